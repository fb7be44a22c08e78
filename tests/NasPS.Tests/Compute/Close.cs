using System.Numerics;
using NasPS.Compute;
using Xunit;

namespace NasPS.Tests.Compute;

/// <summary>Tolerance checks: |actual − expected| ≤ rtol·(|expected| + max|expected|), so elements near zero are
/// judged against the tensor's scale rather than their own.</summary>
internal static class Close
{
    public const double Float32 = 1e-4;
    public const double Float64 = 1e-9;

    public static double Tolerance<T>() => typeof(T) == typeof(float) ? Float32 : Float64;

    /// <param name="scaleFloor">A lower bound for the scale, for tensors that are zero up to rounding (e.g. the
    /// gradient of a BN shift that a later train-mode BN cancels): pass the scale of related tensors.</param>
    public static void Assert<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what, double? rtol = null, double scaleFloor = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double tol = rtol ?? Tolerance<T>();
        Xunit.Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        double scale = scaleFloor;
        foreach (var e in expected) scale = Math.Max(scale, Math.Abs(double.CreateTruncating(e)));
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            double err = Math.Abs(a - e);
            if (!(err <= tol * (Math.Abs(e) + scale)))
                Xunit.Assert.Fail($"{what}: element {i} is {a:R}, expected {e:R} (error {err:E2}, tolerance {tol * (Math.Abs(e) + scale):E2}).");
        }
    }

    public static void Assert<T>(SafeTensorEntry expected, Tensor<T> actual, string what, double? rtol = null, double scaleFloor = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Xunit.Assert.True(Shapes.Equal(expected.Shape, actual.Shape),
            $"{what}: shape {Shapes.Format(actual.Shape)}, expected {Shapes.Format(expected.Shape)}.");
        var e = new T[expected.ElementCount];
        expected.CopyTo<T>(e);
        Assert<T>(e, actual.ReadOnlySpan, what, rtol, scaleFloor);
    }
}

internal static class EntryExtensions
{
    public static double MaxAbs(this SafeTensorEntry e)
    {
        var v = new double[e.ElementCount];
        e.CopyTo<double>(v);
        return v.Length == 0 ? 0 : v.Max(Math.Abs);
    }
}
