using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Spaces;

namespace NasPS.Tests.Proxies;

/// <summary>
/// The counter-based weight generator shared with tests/reference/proxy_fixtures.py, so NasPS and PyTorch score
/// identical weights without committing weight files: w_i = float32((2u_i − 1)·√3·√(2/fan_out)) with u_i from
/// splitmix64(fnv1a64(name) ⊕ archSeed + (i + 1)·golden); biases 0; BN γ = 1, β = 0, running statistics 0 / 1.
/// </summary>
internal static class ParityWeights
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

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
