using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.InteropServices;
using NasPS.Compute;
using NasPS.Randomness;

namespace NasPS.Networks;

/// <summary>
/// Weight initialisers with the project's seeded generator. Values are drawn in double and rounded to T, element
/// by element in row-major order, so a float and a double network from the same seed agree up to rounding.
/// </summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) as PyTorch computes them: dims 1 and 0 times the receptive field size.</summary>
    public static (int FanIn, int FanOut) Fans<T>(Tensor<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.Rank < 2) throw new ArgumentException($"Fan in/out need a weight of rank ≥ 2, got {Shapes.Format(w.Shape)}.");
        int receptive = 1;
        for (int i = 2; i < w.Rank; i++) receptive *= w.Size(i);
        return (w.Size(1) * receptive, w.Size(0) * receptive);
    }

    public static void Uniform<T>(Tensor<T> t, double low, double high, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = t.Span;
        Span<double> u = stackalloc double[256];
        for (int start = 0; start < s.Length; start += u.Length)
        {
            var block = u[..Math.Min(u.Length, s.Length - start)];
            rng.FillUniform(block);
            var target = s.Slice(start, block.Length);
            for (int i = 0; i < block.Length; i++) target[i] = T.CreateTruncating(low + (high - low) * block[i]);
        }
    }

    public static void Normal<T>(Tensor<T> t, double mean, double std, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = t.Span;
        Span<double> z = stackalloc double[256];
        for (int start = 0; start < s.Length; start += z.Length)
        {
            var block = z[..Math.Min(z.Length, s.Length - start)];
            rng.FillGaussian(block);
            var target = s.Slice(start, block.Length);
            if (typeof(T) == typeof(double))
            {
                // The same two roundings as the loop below (no fused multiply-add), vectorised.
                var doubles = MemoryMarshal.Cast<T, double>(target);
                TensorPrimitives.Multiply(block, std, doubles);
                TensorPrimitives.Add(doubles, mean, doubles);
            }
            else
            {
                for (int i = 0; i < block.Length; i++) target[i] = T.CreateTruncating(mean + std * block[i]);
            }
        }
    }

    public static void Constant<T>(Tensor<T> t, double value) where T : unmanaged, IFloatingPointIeee754<T> =>
        t.Span.Fill(T.CreateTruncating(value));

    /// <summary>PyTorch's default for Conv2d and Linear weights: kaiming_uniform_(a = √5), i.e. U(±1/√fan_in).</summary>
    public static void DefaultWeight<T>(Tensor<T> w, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const double a = 2.2360679774997896964; // √5
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        double bound = gain * Math.Sqrt(3.0 / Fans(w).FanIn);
        Uniform(w, -bound, bound, rng);
    }

    /// <summary>PyTorch's default bias for Conv2d and Linear: U(±1/√fan_in) with the weight's fan_in.</summary>
    public static void DefaultBias<T>(Tensor<T> bias, Tensor<T> weight, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double bound = 1.0 / Math.Sqrt(Fans(weight).FanIn);
        Uniform(bias, -bound, bound, rng);
    }

    /// <summary>kaiming_normal_(mode='fan_out', nonlinearity='relu'): N(0, 2/fan_out).</summary>
    public static void KaimingNormalFanOut<T>(Tensor<T> w, Rng rng) where T : unmanaged, IFloatingPointIeee754<T> =>
        Normal(w, 0, Math.Sqrt(2.0) / Math.Sqrt(Fans(w).FanOut), rng);

    /// <summary>kaiming_normal_(mode='fan_in', nonlinearity='relu'): N(0, 2/fan_in).</summary>
    public static void KaimingNormalFanIn<T>(Tensor<T> w, Rng rng) where T : unmanaged, IFloatingPointIeee754<T> =>
        Normal(w, 0, Math.Sqrt(2.0) / Math.Sqrt(Fans(w).FanIn), rng);
}
