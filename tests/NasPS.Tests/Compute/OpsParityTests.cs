using System.Numerics;
using System.Text.Json;
using NasPS.Compute;
using Xunit;

namespace NasPS.Tests.Compute;

/// <summary>Every op against PyTorch 1.13 on the fixtures of tests/reference/engine_fixtures.py: outputs, input gradients
/// for a random upstream gradient, and BN running statistics after a train-mode step.</summary>
public class OpsParityTests
{
    private static readonly Lazy<(IReadOnlyDictionary<string, SafeTensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata)> F32 =
        new(() => SafeTensors.ReadWithMetadata(SharedData.Fixture("engine/ops_f32.safetensors")));

    private static readonly Lazy<(IReadOnlyDictionary<string, SafeTensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata)> F64 =
        new(() => SafeTensors.ReadWithMetadata(SharedData.Fixture("engine/ops_f64.safetensors")));

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var key in F32.Value.Metadata.Keys.Order(StringComparer.Ordinal)) data.Add(key);
        return data;
    }

    [Fact]
    public void FixturesCoverEveryOp()
    {
        var ops = F32.Value.Metadata.Values.Select(v => JsonDocument.Parse(v).RootElement.GetProperty("op").GetString()).ToHashSet();
        string[] expected = ["conv2d", "linear", "batch_norm2d", "layer_norm", "relu", "gelu", "silu", "hardswish", "sigmoid", "abs",
            "sign", "zero", "log1p", "scale", "softmax", "avg_pool2d", "max_pool2d", "adaptive_avg_pool2d", "add", "mul", "concat",
            "slice", "permute", "transpose", "reshape", "matmul", "sum", "mean", "sum_dim", "mean_dim", "cross_entropy"];
        Assert.Empty(expected.Except(ops!));
        Assert.Equal(F32.Value.Metadata.Keys.Order(), F64.Value.Metadata.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MatchesPyTorch(string key) => Check<float>(F32.Value, key);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64MatchesPyTorch(string key) => Check<double>(F64.Value, key);

    private static void Check<T>((IReadOnlyDictionary<string, SafeTensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata) file, string key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var scope = Tensors.NewScope();
        var prm = JsonDocument.Parse(file.Metadata[key]).RootElement;
        var names = prm.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!).ToList();
        var inputs = new Dictionary<string, Tensor<T>>();
        foreach (var name in names)
        {
            var t = file.Tensors[$"{key}/{name}"].ToTensor<T>();
            t.RequiresGrad = name is not ("running_mean" or "running_var");
            inputs[name] = t;
        }
        var y = OpRunner.Run(prm.GetProperty("op").GetString()!, prm, inputs);
        Close.Assert(file.Tensors[$"{key}/y"], y, $"{key} output");
        if (y.RequiresGrad) y.Backward(file.Tensors[$"{key}/dy"].ToTensor<T>());
        foreach (var (name, t) in inputs)
        {
            if (name is "running_mean" or "running_var")
                Close.Assert(file.Tensors[$"{key}/{name}_after"], t, $"{key} {name} after the step");
            else
            {
                var expected = file.Tensors[$"{key}/d{name}"];
                if (t.Grad is null)
                    Assert.True(new T[expected.ElementCount].AsSpan().SequenceEqual(ExpectedValues<T>(expected)), $"{key}: no gradient for {name}, PyTorch has a non-zero one.");
                else
                    Close.Assert(expected, t.Grad, $"{key} d{name}");
            }
        }
    }

    private static T[] ExpectedValues<T>(SafeTensorEntry e) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = new T[e.ElementCount];
        e.CopyTo<T>(v);
        return v;
    }
}

/// <summary>Maps a fixture case (op name, JSON parameters, named inputs) to the NasPS op.</summary>
internal static class OpRunner
{
    public static Tensor<T> Run<T>(string op, JsonElement p, IReadOnlyDictionary<string, Tensor<T>> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T>? Opt(string name) => t.TryGetValue(name, out var v) ? v : null;
        int I(string name) => p.GetProperty(name).GetInt32();
        return op switch
        {
            "conv2d" => Ops.Conv2d(t["x"], t["w"], Opt("b"), I("stride"), I("padding"), I("dilation"), I("groups")),
            "linear" => Ops.Linear(t["x"], t["w"], Opt("b")),
            "batch_norm2d" => Ops.BatchNorm2d(t["x"], Opt("weight"), Opt("bias"), t["running_mean"], t["running_var"],
                useBatchStatistics: p.GetProperty("training").GetBoolean()),
            "layer_norm" => Ops.LayerNorm(t["x"], I("dims"), Opt("weight"), Opt("bias")),
            "relu" => Ops.Relu(t["x"]),
            "gelu" => Ops.Gelu(t["x"]),
            "silu" => Ops.Silu(t["x"]),
            "hardswish" => Ops.Hardswish(t["x"]),
            "sigmoid" => Ops.Sigmoid(t["x"]),
            "abs" => Ops.Abs(t["x"]),
            "sign" => Ops.Sign(t["x"]),
            "zero" => Ops.Zero(t["x"]),
            "log1p" => Ops.Log1p(t["x"]),
            "scale" => Ops.Scale(t["x"], T.CreateTruncating(p.GetProperty("factor").GetDouble())),
            "softmax" => Ops.Softmax(t["x"], I("dim")),
            "avg_pool2d" => Ops.AvgPool2d(t["x"], I("kernel"), I("stride"), I("padding"), p.GetProperty("count_include_pad").GetBoolean()),
            "max_pool2d" => Ops.MaxPool2d(t["x"], I("kernel"), I("stride"), I("padding")),
            "adaptive_avg_pool2d" => Ops.AdaptiveAvgPool2d(t["x"], I("out_h"), I("out_w")),
            "add" => Ops.Add(t["a"], t["b"]),
            "mul" => Ops.Mul(t["a"], t["b"]),
            "concat" => Ops.Concat([t["a"], t["b"]], I("dim")),
            "slice" => Ops.Slice(t["x"], I("dim"), I("start"), I("length")),
            "permute" => Ops.Permute(t["x"], p.GetProperty("dims").EnumerateArray().Select(e => e.GetInt32()).ToArray()),
            "transpose" => Ops.Transpose(t["x"], I("dim0"), I("dim1")),
            "reshape" => Ops.Reshape(t["x"], p.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray()),
            "matmul" => Ops.MatMul(t["a"], t["b"]),
            "sum" => Ops.Sum(t["x"]),
            "mean" => Ops.Mean(t["x"]),
            "sum_dim" => Ops.Sum(t["x"], I("dim"), p.GetProperty("keep_dim").GetBoolean()),
            "mean_dim" => Ops.Mean(t["x"], I("dim"), p.GetProperty("keep_dim").GetBoolean()),
            "cross_entropy" => Ops.CrossEntropy(t["logits"], p.GetProperty("targets").EnumerateArray().Select(e => e.GetInt32()).ToArray()),
            _ => throw new ArgumentException($"No runner for op '{op}'."),
        };
    }
}
