using System.Numerics;
using System.Numerics.Tensors;

namespace NasPS.Compute.Kernels;

/// <summary>
/// Conv2d routes. Dense and grouped convolutions are GEMMs per image and group: Y = W·col(x) (a 1×1 stride-1
/// unpadded convolution uses x itself as the column matrix), dcol = Wᵀ·dY scattered back by col2im, and
/// dW = Σ dY·col(x)ᵀ over the batch in fixed chunks of images, in order. Depthwise convolutions run directly.
/// Work is split over images (or, for a single image, inside the GEMM); either way every output element is the
/// same sequence of operations, so results do not depend on <see cref="Parallelism.Degree"/>.
/// </summary>
internal static unsafe class ConvCore<TL, TV, T>
    where TL : struct, ILanes<TV, T>
    where TV : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Columns (output pixels of the batch) gathered per backward-weight GEMM: long enough to amortise
    /// the C tile traffic, short enough for the column buffer to stay small.</summary>
    private const int WeightGradientColumns = 2048;

    private static bool IsPointwise(in Conv2dShape s) =>
        s.KH == 1 && s.KW == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0;

    private static bool IsDepthwise(in Conv2dShape s) => s.Groups > 1 && s.Groups == s.Cin && s.Groups == s.Cout;

    private static int ReductionLength(in Conv2dShape s) => s.CinPerGroup * s.KH * s.KW;

    // ---------------------------------------------------------------- forward

    public static void Forward(T* x, T* w, T* bias, T* y, Conv2dShape s)
    {
        if (IsDepthwise(s))
        {
            DepthwiseForward(x, w, bias, y, s);
            return;
        }
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y;
        ForEachImage(s.N, (n, parallelGemm) => ForwardImage((T*)px, (T*)pw, (T*)pb, (T*)py, s, n, parallelGemm));
    }

    private static void ForwardImage(T* x, T* w, T* bias, T* y, in Conv2dShape s, int n, bool parallelGemm)
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        bool pointwise = IsPointwise(s);
        T* columns = pointwise ? null : Scratch<T>.Columns((long)kred * pixels);
        for (int g = 0; g < s.Groups; g++)
        {
            T* image = x + ((long)n * s.Cin + (long)g * cinG) * s.H * s.W;
            T* output = y + ((long)n * s.Cout + (long)g * coutG) * pixels;
            T beta = T.Zero;
            if (bias != null)
            {
                for (int co = 0; co < coutG; co++)
                    new Span<T>(output + (long)co * pixels, pixels).Fill(bias[g * coutG + co]);
                beta = T.One;
            }
            if (!pointwise) Im2Col(image, s, columns, pixels);
            Multiply(parallelGemm, false, false, coutG, pixels, kred, w + (long)g * coutG * kred, kred,
                pointwise ? image : columns, pixels, beta, output, pixels);
        }
    }

    // ---------------------------------------------------------------- backward input

    public static void BackwardInput(T* dy, T* w, T* dx, Conv2dShape s)
    {
        if (IsDepthwise(s))
        {
            DepthwiseBackwardInput(dy, w, dx, s);
            return;
        }
        nint pdy = (nint)dy, pw = (nint)w, pdx = (nint)dx;
        ForEachImage(s.N, (n, parallelGemm) => BackwardInputImage((T*)pdy, (T*)pw, (T*)pdx, s, n, parallelGemm));
    }

    private static void BackwardInputImage(T* dy, T* w, T* dx, in Conv2dShape s, int n, bool parallelGemm)
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        bool pointwise = IsPointwise(s);
        T* columns = pointwise ? null : Scratch<T>.Columns((long)kred * pixels);
        for (int g = 0; g < s.Groups; g++)
        {
            T* gradOut = dy + ((long)n * s.Cout + (long)g * coutG) * pixels;
            T* gradIn = dx + ((long)n * s.Cin + (long)g * cinG) * s.H * s.W;
            T* wg = w + (long)g * coutG * kred;
            if (pointwise)
            {
                Multiply(parallelGemm, true, false, kred, pixels, coutG, wg, kred, gradOut, pixels, T.Zero, gradIn, pixels);
            }
            else
            {
                Multiply(parallelGemm, true, false, kred, pixels, coutG, wg, kred, gradOut, pixels, T.Zero, columns, pixels);
                Col2Im(columns, pixels, s, gradIn);
            }
        }
    }

    // ---------------------------------------------------------------- backward weight

    public static void BackwardWeight(T* x, T* dy, T* dw, T* dbias, Conv2dShape s)
    {
        if (dbias != null) BiasGradient(dy, dbias, s);
        if (IsDepthwise(s))
        {
            DepthwiseBackwardWeight(x, dy, dw, s);
            return;
        }
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        // The chunk size depends on the shape only, so the summation order is fixed for every thread count.
        int imagesPerChunk = Math.Clamp(WeightGradientColumns / pixels, 1, s.N);
        T* gathered = Scratch<T>.Gather((long)coutG * imagesPerChunk * pixels);
        T* columns = Scratch<T>.Columns((long)kred * imagesPerChunk * pixels);
        nint px = (nint)x, pdy = (nint)dy, pg = (nint)gathered, pc = (nint)columns;
        for (int g = 0; g < s.Groups; g++)
        {
            T* dwg = dw + (long)g * coutG * kred;
            for (int n0 = 0; n0 < s.N; n0 += imagesPerChunk)
            {
                int images = Math.Min(imagesPerChunk, s.N - n0), width = images * pixels, group = g;
                // Lay the chunk out as dY[coutG × width] and col[kred × width], one image per column block.
                Parallelism.For(images, i =>
                {
                    int n = n0 + i;
                    T* gradOut = (T*)pdy + ((long)n * s.Cout + (long)group * coutG) * pixels;
                    for (int co = 0; co < coutG; co++)
                        new ReadOnlySpan<T>(gradOut + (long)co * pixels, pixels)
                            .CopyTo(new Span<T>((T*)pg + (long)co * width + (long)i * pixels, pixels));
                    Im2Col((T*)px + ((long)n * s.Cin + (long)group * cinG) * s.H * s.W, s, (T*)pc + (long)i * pixels, width);
                });
                GemmCore<TL, TV, T>.Parallel(false, true, coutG, kred, width, T.One, gathered, width, columns, width,
                    n0 == 0 ? T.Zero : T.One, dwg, kred);
            }
        }
    }

    /// <summary>dbias[c] = Σ over images (in order) of Σ over that image's pixels.</summary>
    private static void BiasGradient(T* dy, T* dbias, in Conv2dShape s)
    {
        int pixels = s.OutH * s.OutW;
        for (int c = 0; c < s.Cout; c++)
        {
            T sum = T.Zero;
            for (int n = 0; n < s.N; n++)
                sum += TensorPrimitives.Sum(new ReadOnlySpan<T>(dy + ((long)n * s.Cout + c) * pixels, pixels));
            dbias[c] = sum;
        }
    }

    // ---------------------------------------------------------------- shared pieces

    /// <summary>Runs one image per work item over the batch; a batch too small to occupy every thread runs the
    /// images in turn with the parallelism inside each GEMM instead.</summary>
    private static void ForEachImage(int images, Action<int, bool> body)
    {
        if (images >= Parallelism.Degree)
            Parallelism.For(images, n => body(n, false));
        else
            for (int n = 0; n < images; n++) body(n, true);
    }

    private static void Multiply(bool parallel, bool transposeA, bool transposeB, int m, int n, int k,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
    {
        if (parallel) GemmCore<TL, TV, T>.Parallel(transposeA, transposeB, m, n, k, T.One, a, lda, b, ldb, beta, c, ldc);
        else GemmCore<TL, TV, T>.Serial(transposeA, transposeB, m, n, k, T.One, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>The output columns j whose input column j·stride − pad + offset lies inside [0, width).</summary>
    private static (int First, int End) ValidRange(int outWidth, int width, int stride, int pad, int offset)
    {
        int shift = pad - offset;  // need j·stride ≥ shift and j·stride ≤ width − 1 + shift
        int first = shift <= 0 ? 0 : (shift + stride - 1) / stride;
        int last = width - 1 + shift < 0 ? -1 : (width - 1 + shift) / stride;
        return (Math.Min(first, outWidth), Math.Clamp(last + 1, Math.Min(first, outWidth), outWidth));
    }

    /// <summary>col[(ci·KH + kh)·KW + kw, i·OW + j] = x[ci, i·sh − ph + kh·dh, j·sw − pw + kw·dw] (0 outside), for one
    /// image and group; rows are <paramref name="ld"/> apart.</summary>
    private static void Im2Col(T* image, in Conv2dShape s, T* col, int ld)
    {
        int oh = s.OutH, ow = s.OutW, plane = s.H * s.W;
        for (int ci = 0; ci < s.CinPerGroup; ci++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++)
        {
            T* row = col + (long)((ci * s.KH + kh) * s.KW + kw) * ld;
            var (first, end) = ValidRange(ow, s.W, s.StrideW, s.PadW, kw * s.DilationW);
            int offset = kw * s.DilationW - s.PadW;
            for (int i = 0; i < oh; i++, row += ow)
            {
                int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                if ((uint)hi >= (uint)s.H)
                {
                    new Span<T>(row, ow).Clear();
                    continue;
                }
                T* src = image + (long)ci * plane + (long)hi * s.W + offset;
                for (int j = 0; j < first; j++) row[j] = T.Zero;
                if (s.StrideW == 1)
                    new ReadOnlySpan<T>(src + first, end - first).CopyTo(new Span<T>(row + first, end - first));
                else
                    for (int j = first; j < end; j++) row[j] = src[(long)j * s.StrideW];
                for (int j = end; j < ow; j++) row[j] = T.Zero;
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: dx (cleared first) accumulates every column entry, in row order.</summary>
    private static void Col2Im(T* col, int ld, in Conv2dShape s, T* dx)
    {
        int oh = s.OutH, ow = s.OutW, plane = s.H * s.W;
        new Span<T>(dx, s.CinPerGroup * plane).Clear();
        for (int ci = 0; ci < s.CinPerGroup; ci++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++)
        {
            T* row = col + (long)((ci * s.KH + kh) * s.KW + kw) * ld;
            var (first, end) = ValidRange(ow, s.W, s.StrideW, s.PadW, kw * s.DilationW);
            int offset = kw * s.DilationW - s.PadW;
            for (int i = 0; i < oh; i++, row += ow)
            {
                int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                if ((uint)hi >= (uint)s.H) continue;
                T* dst = dx + (long)ci * plane + (long)hi * s.W + offset;
                if (s.StrideW == 1)
                {
                    var target = new Span<T>(dst + first, end - first);
                    TensorPrimitives.Add(target, new ReadOnlySpan<T>(row + first, end - first), target);
                }
                else
                {
                    for (int j = first; j < end; j++) dst[(long)j * s.StrideW] += row[j];
                }
            }
        }
    }

    // ---------------------------------------------------------------- depthwise (groups == Cin == Cout)

    private static void DepthwiseForward(T* x, T* w, T* bias, T* y, Conv2dShape s)
    {
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y;
        Parallelism.For(s.N * s.Cout, plane =>
        {
            int c = plane % s.Cout;
            T* input = (T*)px + (long)plane * s.H * s.W;
            T* output = (T*)py + (long)plane * s.OutH * s.OutW;
            T* kernel = (T*)pw + (long)c * s.KH * s.KW;
            new Span<T>(output, s.OutH * s.OutW).Fill(pb == 0 ? T.Zero : ((T*)pb)[c]);
            for (int i = 0; i < s.OutH; i++)
            for (int kh = 0; kh < s.KH; kh++)
            {
                int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                if ((uint)hi >= (uint)s.H) continue;
                for (int kw = 0; kw < s.KW; kw++)
                {
                    var (first, end) = ValidRange(s.OutW, s.W, s.StrideW, s.PadW, kw * s.DilationW);
                    T weight = kernel[kh * s.KW + kw];
                    T* src = input + (long)hi * s.W + kw * s.DilationW - s.PadW;
                    T* dst = output + (long)i * s.OutW;
                    if (s.StrideW == 1)
                    {
                        var target = new Span<T>(dst + first, end - first);
                        TensorPrimitives.FusedMultiplyAdd(new ReadOnlySpan<T>(src + first, end - first), weight, target, target);
                    }
                    else
                    {
                        for (int j = first; j < end; j++) dst[j] = T.FusedMultiplyAdd(src[(long)j * s.StrideW], weight, dst[j]);
                    }
                }
            }
        });
    }

    private static void DepthwiseBackwardInput(T* dy, T* w, T* dx, Conv2dShape s)
    {
        nint pdy = (nint)dy, pw = (nint)w, pdx = (nint)dx;
        Parallelism.For(s.N * s.Cin, plane =>
        {
            int c = plane % s.Cin;
            T* gradOut = (T*)pdy + (long)plane * s.OutH * s.OutW;
            T* gradIn = (T*)pdx + (long)plane * s.H * s.W;
            T* kernel = (T*)pw + (long)c * s.KH * s.KW;
            new Span<T>(gradIn, s.H * s.W).Clear();
            for (int i = 0; i < s.OutH; i++)
            for (int kh = 0; kh < s.KH; kh++)
            {
                int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                if ((uint)hi >= (uint)s.H) continue;
                for (int kw = 0; kw < s.KW; kw++)
                {
                    var (first, end) = ValidRange(s.OutW, s.W, s.StrideW, s.PadW, kw * s.DilationW);
                    T weight = kernel[kh * s.KW + kw];
                    T* dst = gradIn + (long)hi * s.W + kw * s.DilationW - s.PadW;
                    T* src = gradOut + (long)i * s.OutW;
                    if (s.StrideW == 1)
                    {
                        var target = new Span<T>(dst + first, end - first);
                        TensorPrimitives.FusedMultiplyAdd(new ReadOnlySpan<T>(src + first, end - first), weight, target, target);
                    }
                    else
                    {
                        for (int j = first; j < end; j++) dst[(long)j * s.StrideW] = T.FusedMultiplyAdd(src[j], weight, dst[(long)j * s.StrideW]);
                    }
                }
            }
        });
    }

    private static void DepthwiseBackwardWeight(T* x, T* dy, T* dw, Conv2dShape s)
    {
        nint px = (nint)x, pdy = (nint)dy, pdw = (nint)dw;
        // One channel per work item; its taps sum over the batch in image order.
        Parallelism.For(s.Cin, c =>
        {
            T* kernel = (T*)pdw + (long)c * s.KH * s.KW;
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                var (first, end) = ValidRange(s.OutW, s.W, s.StrideW, s.PadW, kw * s.DilationW);
                T sum = T.Zero;
                for (int n = 0; n < s.N; n++)
                {
                    long plane = (long)n * s.Cin + c;
                    for (int i = 0; i < s.OutH; i++)
                    {
                        int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                        if ((uint)hi >= (uint)s.H || end <= first) continue;
                        T* src = (T*)px + plane * s.H * s.W + (long)hi * s.W + kw * s.DilationW - s.PadW;
                        T* gradOut = (T*)pdy + plane * s.OutH * s.OutW + (long)i * s.OutW;
                        if (s.StrideW == 1)
                            sum += TensorPrimitives.Dot(new ReadOnlySpan<T>(src + first, end - first), new ReadOnlySpan<T>(gradOut + first, end - first));
                        else
                            for (int j = first; j < end; j++) sum = T.FusedMultiplyAdd(src[(long)j * s.StrideW], gradOut[j], sum);
                    }
                }
                kernel[kh * s.KW + kw] = sum;
            }
        });
    }
}
