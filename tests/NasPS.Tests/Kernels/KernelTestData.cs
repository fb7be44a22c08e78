using System.Numerics;
using NasPS.Compute.Kernels;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Kernels;

/// <summary>Random inputs and the tolerance check shared by the kernel tests.</summary>
public static class KernelTestData
{
    public static double[] Gaussian(Rng rng, long length)
    {
        var values = new double[length];
        for (long i = 0; i < length; i++) values[i] = rng.NextGaussian();
        return values;
    }

    /// <summary>The values rounded to T, and back to double so the reference sees exactly the kernel's inputs.</summary>
    public static (T[] Typed, double[] Exact) Rounded<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var typed = new T[values.Length];
        var exact = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            typed[i] = T.CreateChecked(values[i]);
            exact[i] = double.CreateChecked(typed[i]);
        }
        return (typed, exact);
    }

    /// <summary>Every path this machine can run: the scalar fallback, and the vector paths it supports.</summary>
    public static IEnumerable<KernelPath> Paths() =>
        Enum.GetValues<KernelPath>().Where(p => p <= KernelPaths.Best);

    /// <summary>|actual − expected| ≤ 8·ε(T)·√k·magnitude: a summation of k terms in any order stays well inside this,
    /// while a dropped, doubled or misplaced term (about magnitude/k) does not.</summary>
    public static void AssertClose<T>(ReadOnlySpan<T> actual, double[] expected, double[] magnitude, int k, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        double eps = typeof(T) == typeof(double) ? Math.Pow(2, -52) : Math.Pow(2, -23);
        double factor = 8 * eps * Math.Sqrt(Math.Max(k, 1));
        for (int i = 0; i < expected.Length; i++)
        {
            double value = double.CreateChecked(actual[i]);
            double bound = factor * magnitude[i] + 1e-300;
            if (!(Math.Abs(value - expected[i]) <= bound))
                Assert.Fail($"{what}: element {i} is {value}, expected {expected[i]} (|error| {Math.Abs(value - expected[i]):g3} > bound {bound:g3}).");
        }
    }
}
