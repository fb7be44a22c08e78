using System.Numerics;

namespace NasPS.Compute;

/// <summary>Vectorised reductions around a per-channel mean, computed on centred values (x − μ) so that a large
/// mean does not cancel the digits of a small spread.</summary>
internal static class ChannelMath
{
    /// <summary>Σ (x − μ)².</summary>
    public static T SumSquaredDeviations<T>(ReadOnlySpan<T> x, T mu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mu);
            var acc = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(x[i..]) - m;
                acc += d * d;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            T d = x[i] - mu;
            sum += d * d;
        }
        return sum;
    }

    /// <summary>y = x·scale + shift in one pass, rounded twice (a product, then a sum), as a multiply pass followed by an
    /// add pass would round it.</summary>
    public static void ScaleShift<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> vs = new(scale), vb = new(shift);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var product = new Vector<T>(x[i..]) * vs;
                (product + vb).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            T product = x[i] * scale;
            y[i] = product + shift;
        }
    }

    /// <summary>y += x·scale + shift, rounded as <see cref="ScaleShift{T}"/> followed by an add.</summary>
    public static void AddScaleShift<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> vs = new(scale), vb = new(shift);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var product = new Vector<T>(x[i..]) * vs;
                (new Vector<T>(y[i..]) + (product + vb)).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            T product = x[i] * scale;
            T normalised = product + shift;
            y[i] += normalised;
        }
    }

    /// <summary>Σ (x − μ)·g.</summary>
    public static T CentredDot<T>(ReadOnlySpan<T> x, T mu, ReadOnlySpan<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mu);
            var acc = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                acc += (new Vector<T>(x[i..]) - m) * new Vector<T>(g[i..]);
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += (x[i] - mu) * g[i];
        return sum;
    }

    /// <summary>dx = k·(g − meanG − (x − μ)·inv·meanGXhat): the batch-statistics normalisation backward.</summary>
    public static void NormalizationBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> dx, T mu, T inv, T k, T meanG, T meanGXhat)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> vm = new(mu), vinv = new(inv), vk = new(k), vmg = new(meanG), vmgx = new(meanGXhat);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var xhat = (new Vector<T>(x[i..]) - vm) * vinv;
                (vk * (new Vector<T>(g[i..]) - vmg - xhat * vmgx)).CopyTo(dx[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            T xhat = (x[i] - mu) * inv;
            dx[i] = k * (g[i] - meanG - xhat * meanGXhat);
        }
    }
}
