using System.Numerics;
using System.Runtime.Intrinsics;

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

    /// <summary>Σ x and Σ (x − mean)² of one plane, accumulated in float64 (float32 lanes widened), in a fixed order.</summary>
    public static (double Sum, double SquaredDeviations) PlaneMoments<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x);
            double total = System.Numerics.Tensors.TensorPrimitives.Sum(values);
            return (total, SumSquaredDeviations(values, total / values.Length));
        }
        if (typeof(T) != typeof(float))
        {
            double s = 0, q = 0;
            foreach (var v in x) s += double.CreateTruncating(v);
            double mu = s / x.Length;
            foreach (var v in x) q += (double.CreateTruncating(v) - mu) * (double.CreateTruncating(v) - mu);
            return (s, q);
        }
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x);
        int i = 0;
        double sum = 0, squares = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four float64 accumulators per pass (the adds' latency, not their count, bounds a single one).
            ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(floats);
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            int vectorEnd = floats.Length - floats.Length % 32;
            for (; i < vectorEnd; i += 32)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                var w = Vector512.LoadUnsafe(ref start, (nuint)(i + 16));
                a0 += Vector512.WidenLower(v);
                a1 += Vector512.WidenUpper(v);
                a2 += Vector512.WidenLower(w);
                a3 += Vector512.WidenUpper(w);
            }
            sum = Vector512.Sum((a0 + a1) + (a2 + a3));
            for (int j = i; j < floats.Length; j++) sum += floats[j];
            double planeMean = sum / floats.Length;
            var m = Vector512.Create(planeMean);
            a0 = a1 = a2 = a3 = default;
            for (int j = 0; j < vectorEnd; j += 32)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)j);
                var w = Vector512.LoadUnsafe(ref start, (nuint)(j + 16));
                var d0 = Vector512.WidenLower(v) - m;
                var d1 = Vector512.WidenUpper(v) - m;
                var d2 = Vector512.WidenLower(w) - m;
                var d3 = Vector512.WidenUpper(w) - m;
                a0 = Vector512.FusedMultiplyAdd(d0, d0, a0);
                a1 = Vector512.FusedMultiplyAdd(d1, d1, a1);
                a2 = Vector512.FusedMultiplyAdd(d2, d2, a2);
                a3 = Vector512.FusedMultiplyAdd(d3, d3, a3);
            }
            squares = Vector512.Sum((a0 + a1) + (a2 + a3));
            for (int j = i; j < floats.Length; j++)
            {
                double d = floats[j] - planeMean;
                squares += d * d;
            }
            return (sum, squares);
        }
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            for (; i <= floats.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(floats[i..]), out var low, out var high);
                acc += low + high;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < floats.Length; i++) sum += floats[i];
        double mean = sum / floats.Length;
        i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var m = new Vector<double>(mean);
            var acc = Vector<double>.Zero;
            for (; i <= floats.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(floats[i..]), out var low, out var high);
                var dl = low - m;
                var dh = high - m;
                acc += dl * dl + dh * dh;
            }
            squares = Vector.Sum(acc);
        }
        for (; i < floats.Length; i++)
        {
            double d = floats[i] - mean;
            squares += d * d;
        }
        return (sum, squares);
    }

    /// <summary>y = x·scale + shift in one pass, rounded twice (a product, then a sum), as a multiply pass followed by an
    /// add pass would round it; with <paramref name="accumulate"/>, y += that (rounded once more, as a separate add).</summary>
    public static void ScaleShift<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            Vector512<T> vs = Vector512.Create(scale), vb = Vector512.Create(shift);
            ref T xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
            ref T yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
            for (; i <= x.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var value = Vector512.LoadUnsafe(ref xr, (nuint)i) * vs + vb;
                if (accumulate) value = Vector512.LoadUnsafe(ref yr, (nuint)i) + value;
                value.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> vs = new(scale), vb = new(shift);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var value = new Vector<T>(x[i..]) * vs + vb;
                if (accumulate) value = new Vector<T>(y[i..]) + value;
                value.CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            T product = x[i] * scale;
            T value = product + shift;
            y[i] = accumulate ? y[i] + value : value;
        }
    }

    /// <summary><see cref="ScaleShift{T}"/> over consecutive whole planes of <paramref name="plane"/> elements, plane k with
    /// the coefficients of channel (firstChannel + k) mod channels: a block of a node's planes in one call.</summary>
    public static void ScaleShiftPlanes<T>(ReadOnlySpan<T> x, T[] scale, T[] shift, Span<T> y, int plane, int channels, int firstChannel,
        bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = x.Length / plane;
        if (y.Length < x.Length || planes * plane != x.Length || scale.Length < channels || shift.Length < channels)
            throw new ArgumentException("scale-shift: the spans must hold whole planes and the coefficients every channel.");
        for (int k = 0, c = firstChannel; k < planes; k++)
        {
            ScaleShift(x.Slice(k * plane, plane), scale[c], shift[c], y.Slice(k * plane, plane), accumulate);
            if (++c == channels) c = 0;
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
