using System.Text.Json;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Networks.NasBench201;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Proxies;

/// <summary>
/// The counter-based weight generator shared with tests/reference/proxy_fixtures.py, so NasPS and PyTorch score
/// identical weights without committing weight files: w_i = float32((2u_i − 1)·√3·√(2/fan_out)) with u_i from
/// splitmix64(fnv1a64(name) ⊕ archSeed + (i + 1)·golden); biases 0; BN γ = 1, β = 0, running statistics 0 / 1.
/// </summary>
internal static class ParityWeights
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The case numbers of a parity fixture (its "cases" array), for a theory.</summary>
    public static TheoryData<int> CaseNumbers(JsonElement fixture)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < fixture.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    /// <summary>Case <paramref name="caseNumber"/> of a parity fixture and the float32 NB201 network (10 classes) its
    /// architecture and seed give, after checking the fixture's index against the official one.</summary>
    public static (JsonElement Case, TinyNetwork<float> Network) LoadCase(JsonElement fixture, int caseNumber)
    {
        var c = fixture.GetProperty("cases")[caseNumber];
        var genome = NasBench201Space.Instance.Parse(c.GetProperty("arch").GetString()!);
        Assert.Equal(c.GetProperty("index").GetInt32(), NasBench201Space.Instance.IndexOf(genome));
        var network = new TinyNetwork<float>(genome, 10, null);
        Fill(network, c.GetProperty("arch_seed").GetUInt64());
        return (c, network);
    }

    /// <summary>Checks that every tensor named in a fixture case's "weight_abs_sums" has PyTorch's Σ|w| (so both sides
    /// hold the same numbers under the same names); returns how many tensors were checked.</summary>
    public static int AssertAbsSums(Module<float> network, JsonElement fixtureCase)
    {
        var parameters = network.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor);
        int checkedTensors = 0;
        foreach (var check in fixtureCase.GetProperty("weight_abs_sums").EnumerateObject())
        {
            double sum = 0;
            foreach (var v in parameters[check.Name].ReadOnlySpan) sum += Math.Abs((double)v);
            Assert.Equal(check.Value.GetDouble(), sum, 1e-12 * check.Value.GetDouble());
            checkedTensors++;
        }
        return checkedTensors;
    }

    public static void Fill(Module<float> network, ulong archSeed)
    {
        foreach (var (name, module) in network.NamedModules())
        {
            switch (module)
            {
                case Conv2d<float> conv:
                    FillWeight(conv.Weight.Span, name + ".weight", archSeed, conv.OutChannels * conv.Kernel * conv.Kernel);
                    conv.Bias?.Span.Clear();
                    break;
                case Linear<float> linear:
                    FillWeight(linear.Weight.Span, name + ".weight", archSeed, linear.Weight.Size(0));
                    linear.Bias?.Span.Clear();
                    break;
                case BatchNorm2d<float> bn:
                    bn.Weight?.Span.Fill(1);
                    bn.Bias?.Span.Clear();
                    bn.RunningMean?.Span.Clear();
                    bn.RunningVar?.Span.Fill(1);
                    break;
            }
        }
    }

    private static void FillWeight(Span<float> w, string name, ulong archSeed, int fanOut) =>
        FillUniform(w, name, archSeed, Math.Sqrt(2.0 / fanOut));

    /// <summary>Unit-variance values of the same generator under <paramref name="name"/> (the Zen-score inputs).</summary>
    public static Tensor<float> UnitVariance(string name, ulong archSeed, params int[] shape)
    {
        var t = Tensors.Empty<float>(shape);
        FillUniform(t.Span, name, archSeed, 1.0);
        return t;
    }

    /// <summary>Uniform values with standard deviation <paramref name="std"/>.</summary>
    private static void FillUniform(Span<float> w, string name, ulong archSeed, double std)
    {
        ulong seed = StableHash.Of(name) ^ archSeed;
        double bound = Math.Sqrt(3.0) * std;
        for (int i = 0; i < w.Length; i++)
        {
            ulong z = seed + (ulong)(i + 1) * Golden;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            double u = (z >> 11) * (1.0 / (1UL << 53));
            w[i] = (float)((2 * u - 1) * bound);
        }
    }
}
