using System.Numerics;
using System.Runtime.Intrinsics;

namespace NasPS.Compute.Kernels;

/// <summary>How a forward convolution computes its outputs.</summary>
public enum ConvolutionAlgorithm
{
    /// <summary>Every output is a sum of input × weight products, as PyTorch's CPU convolutions form it.</summary>
    Direct = 0,

    /// <summary>Winograd F(2×2, 3×3) where it applies (float32 3×3 convolutions with stride 1 and padding 1, one group, no bias,
    /// on AVX-512), direct elsewhere: 2.25× fewer multiplications in the GEMMs. Outputs differ from the direct ones by
    /// rounding (a few float32 ulps of the terms summed).</summary>
    Winograd = 1,
}

/// <summary>
/// Conv2d forward and backward over raw NCHW buffers. Every method overwrites its output.
/// Contract for the fast paths: results do not depend on the degree of parallelism (no reduction is split
/// across threads in a thread-count-dependent way), so a seed gives bit-identical results on 1 or 2 threads.
/// </summary>
public static class Conv2dKernel
{
    /// <summary>y[N,Cout,OutH,OutW] = conv(x, w) + bias (bias may be empty); with <paramref name="rectifyInput"/>,
    /// conv(max(x, 0), w) + bias, the ReLU applied while the input is staged (not for depthwise convolutions). When
    /// <paramref name="planeMoments"/> is not empty (2·N·Cout values), it receives each output plane's sum and squared
    /// deviations about its mean (see PlaneMoments), taken as the plane is written. <paramref name="algorithm"/> picks the
    /// route where more than one applies.</summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, in Conv2dShape s,
        bool rectifyInput = false, Span<double> planeMoments = default, ConvolutionAlgorithm algorithm = ConvolutionAlgorithm.Direct)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        s.Validate();
        CheckLength("input x", x.Length, s.InputLength, s);
        CheckLength("weight w", w.Length, s.WeightLength, s);
        CheckLength("output y", y.Length, s.OutputLength, s);
        if (!bias.IsEmpty) CheckLength("bias", bias.Length, s.Cout, s);
        if (!planeMoments.IsEmpty) CheckLength("plane moments", planeMoments.Length, 2L * s.N * s.Cout, s);
        fixed (T* px = x) fixed (T* pw = w) fixed (T* pb = bias) fixed (T* py = y) fixed (double* pm = planeMoments)
        {
            T* b = bias.IsEmpty ? null : pb;
            double* m = planeMoments.IsEmpty ? null : pm;
            if (algorithm == ConvolutionAlgorithm.Winograd && typeof(T) == typeof(float) && WinogradAvailable
                && WinogradF2x3.Applies(s, b != null))
            {
                WinogradF2x3.Forward((float*)px, (float*)pw, (float*)py, s, rectifyInput, m);
                return;
            }
            switch (KernelPaths.For<T>())
            {
                case KernelPath.Avx512: ConvCore<Lanes512<T>, Vector512<T>, T>.Forward(px, pw, b, py, s, rectifyInput, m); break;
                case KernelPath.Avx2: ConvCore<Lanes256<T>, Vector256<T>, T>.Forward(px, pw, b, py, s, rectifyInput, m); break;
                default: ConvCore<LanesScalar<T>, T, T>.Forward(px, pw, b, py, s, rectifyInput, m); break;
            }
        }
    }

    /// <summary>Whether <see cref="ConvolutionAlgorithm.Winograd"/> can run on this thread (it needs the AVX-512 path; elsewhere
    /// every convolution is direct).</summary>
    public static bool WinogradAvailable => KernelPaths.Current == KernelPath.Avx512;

    /// <summary>dx = ∂L/∂x given dy = ∂L/∂y.</summary>
    public static unsafe void BackwardInput<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, in Conv2dShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        s.Validate();
        CheckLength("output gradient dy", dy.Length, s.OutputLength, s);
        CheckLength("weight w", w.Length, s.WeightLength, s);
        CheckLength("input gradient dx", dx.Length, s.InputLength, s);
        fixed (T* pdy = dy) fixed (T* pw = w) fixed (T* pdx = dx)
        {
            switch (KernelPaths.For<T>())
            {
                case KernelPath.Avx512: ConvCore<Lanes512<T>, Vector512<T>, T>.BackwardInput(pdy, pw, pdx, s); break;
                case KernelPath.Avx2: ConvCore<Lanes256<T>, Vector256<T>, T>.BackwardInput(pdy, pw, pdx, s); break;
                default: ConvCore<LanesScalar<T>, T, T>.BackwardInput(pdy, pw, pdx, s); break;
            }
        }
    }

    /// <summary>dw = ∂L/∂w and, when <paramref name="dbias"/> is not empty, dbias = ∂L/∂bias.</summary>
    public static unsafe void BackwardWeight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> dbias, in Conv2dShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        s.Validate();
        CheckLength("input x", x.Length, s.InputLength, s);
        CheckLength("output gradient dy", dy.Length, s.OutputLength, s);
        CheckLength("weight gradient dw", dw.Length, s.WeightLength, s);
        if (!dbias.IsEmpty) CheckLength("bias gradient dbias", dbias.Length, s.Cout, s);
        fixed (T* px = x) fixed (T* pdy = dy) fixed (T* pdw = dw) fixed (T* pdb = dbias)
        {
            T* db = dbias.IsEmpty ? null : pdb;
            switch (KernelPaths.For<T>())
            {
                case KernelPath.Avx512: ConvCore<Lanes512<T>, Vector512<T>, T>.BackwardWeight(px, pdy, pdw, db, s); break;
                case KernelPath.Avx2: ConvCore<Lanes256<T>, Vector256<T>, T>.BackwardWeight(px, pdy, pdw, db, s); break;
                default: ConvCore<LanesScalar<T>, T, T>.BackwardWeight(px, pdy, pdw, db, s); break;
            }
        }
    }

    private static void CheckLength(string what, int actual, long required, in Conv2dShape s)
    {
        if (actual < required)
            throw new ArgumentException($"Conv2d: the {what} holds {actual} elements but {s} needs {required}.");
    }
}
