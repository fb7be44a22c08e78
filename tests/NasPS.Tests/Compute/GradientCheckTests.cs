using NasPS.Compute;
using NasPS.Networks;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Compute;

/// <summary>Every op's backward against central finite differences in float64, with no PyTorch involved.
/// The checked scalar is Σ op(inputs) ⊙ R for a fixed random R, so every output element matters.</summary>
public class GradientCheckTests
{
    private delegate Tensor<double> Op(Tensor<double>[] inputs);

    private static readonly Dictionary<string, (Op Op, int[][] Shapes)> Cases = new()
    {
        ["conv2d"] = (t => Ops.Conv2d(t[0], t[1], t[2], stride: 1, padding: 1), [[2, 3, 5, 4], [4, 3, 3, 3], [4]]),
        ["conv2d strided dilated grouped"] = (t => Ops.Conv2d(t[0], t[1], null, (2, 1), (1, 2), (2, 1), 2), [[1, 4, 7, 6], [6, 2, 3, 2]]),
        ["linear"] = (t => Ops.Linear(t[0], t[1], t[2]), [[2, 3, 5], [4, 5], [4]]),
        ["batch_norm2d train"] = (t => Ops.BatchNorm2d(t[0], t[1], t[2], null, null, useBatchStatistics: true), [[3, 2, 3, 2], [2], [2]]),
        ["batch_norm2d train, not affine"] = (t => Ops.BatchNorm2d<double>(t[0], null, null, null, null, useBatchStatistics: true), [[2, 3, 2, 2]]),
        ["batch_norm2d eval"] = (t => Ops.BatchNorm2d(t[0], t[1], t[2], Tensors.Full(0.3, 2), Tensors.Full(1.7, 2), useBatchStatistics: false), [[2, 2, 3, 2], [2], [2]]),
        ["layer_norm"] = (t => Ops.LayerNorm(t[0], 1, t[1], t[2]), [[3, 5], [5], [5]]),
        ["layer_norm two dims"] = (t => Ops.LayerNorm(t[0], 2), [[2, 3, 4]]),
        ["relu"] = (t => Ops.Relu(t[0]), [[3, 7]]),
        ["gelu"] = (t => Ops.Gelu(t[0]), [[3, 7]]),
        ["silu"] = (t => Ops.Silu(t[0]), [[3, 7]]),
        ["hardswish"] = (t => Ops.Hardswish(Ops.Scale(t[0], 3.0)), [[3, 7]]),
        ["sigmoid"] = (t => Ops.Sigmoid(t[0]), [[3, 7]]),
        ["abs"] = (t => Ops.Abs(t[0]), [[3, 7]]),
        ["sign"] = (t => Ops.Sign(t[0]), [[3, 7]]),
        ["log1p"] = (t => Ops.Log1p(Ops.Mul(t[0], t[0])), [[3, 7]]),
        ["zero"] = (t => Ops.Zero(t[0]), [[3, 7]]),
        ["scale"] = (t => Ops.Scale(t[0], -2.5), [[3, 7]]),
        ["add"] = (t => Ops.Add(t[0], t[1]), [[2, 5], [2, 5]]),
        ["mul"] = (t => Ops.Mul(t[0], t[1]), [[2, 5], [2, 5]]),
        ["mul with itself"] = (t => Ops.Mul(t[0], t[0]), [[2, 5]]),
        ["softmax"] = (t => Ops.Softmax(t[0], 1), [[2, 4, 3]]),
        ["cross_entropy"] = (t => Ops.CrossEntropy(t[0], [1, 0, 3]), [[3, 4]]),
        ["avg_pool2d, count_include_pad false"] = (t => Ops.AvgPool2d(t[0], 3, 1, 1, countIncludePad: false), [[1, 2, 5, 4]]),
        ["avg_pool2d strided"] = (t => Ops.AvgPool2d(t[0], 2, 2), [[1, 2, 5, 4]]),
        ["max_pool2d"] = (t => Ops.MaxPool2d(t[0], 3, 2, 1), [[1, 2, 5, 6]]),
        ["adaptive_avg_pool2d"] = (t => Ops.AdaptiveAvgPool2d(t[0], 2, 3), [[2, 2, 5, 7]]),
        ["global avg pool"] = (t => Ops.AdaptiveAvgPool2d(t[0]), [[2, 3, 3, 2]]),
        ["concat"] = (t => Ops.Concat([t[0], t[1]], 1), [[2, 2, 3], [2, 3, 3]]),
        ["slice"] = (t => Ops.Slice(t[0], 1, 1, 2), [[2, 4, 3]]),
        ["reshape"] = (t => Ops.Mul(Ops.Reshape(t[0], 3, -1), Ops.Reshape(t[0], 3, -1)), [[2, 3, 2]]),
        ["permute"] = (t => Ops.Permute(t[0], 2, 0, 1), [[2, 3, 4]]),
        ["transpose"] = (t => Ops.Transpose(t[0], 0, 2), [[2, 3, 4]]),
        ["matmul"] = (t => Ops.MatMul(t[0], t[1]), [[3, 4], [4, 2]]),
        ["bmm"] = (t => Ops.MatMul(t[0], t[1]), [[2, 3, 4], [2, 4, 2]]),
        ["sum"] = (t => Ops.Sum(Ops.Mul(t[0], t[0])), [[2, 3]]),
        ["mean"] = (t => Ops.Mean(Ops.Mul(t[0], t[0])), [[2, 3]]),
        ["sum over a dim"] = (t => Ops.Sum(t[0], 1), [[2, 3, 4]]),
        ["mean over a dim, kept"] = (t => Ops.Mean(t[0], -1, keepDim: true), [[2, 3, 4]]),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        var (op, shapes) = Cases[name];
        using var scope = Tensors.NewScope();
        var rng = new Rng(2024);
        var inputs = shapes.Select(s =>
        {
            var t = Tensors.Empty<double>(s);
            Init.Normal(t, 0, 1, rng);
            t.RequiresGrad = true;
            return t;
        }).ToArray();
        var output = op(inputs);
        var weights = Tensors.Empty<double>([.. output.Shape]);
        Init.Normal(weights, 0, 1, rng);

        Ops.Sum(Ops.Mul(output, weights)).Backward();

        double Objective()
        {
            using var inner = Tensors.NewScope();
            using var noGrad = Tensors.NoGrad();
            var y = op(inputs);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += y.ReadOnlySpan[i] * weights.ReadOnlySpan[i];
            return s;
        }

        const double h = 1e-6;
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            var numeric = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double saved = x.Span[i];
                x.Span[i] = saved + h;
                double plus = Objective();
                x.Span[i] = saved - h;
                double minus = Objective();
                x.Span[i] = saved;
                numeric[i] = (plus - minus) / (2 * h);
            }
            var analytic = x.Grad?.ToArray() ?? new double[x.Length];
            Close.Assert<double>(numeric, analytic, $"{name}: gradient of input {k}", rtol: 1e-6, scaleFloor: 1e-3);
        }
    }
}
