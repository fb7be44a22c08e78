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
        int kred = ReductionLength(s), coutG = s.CoutPerGroup;
        // The weights are packed once and shared by every image.
        long groupLength = GemmCore<TL, TV, T>.PackedALength(coutG, kred);
        T* packedW = Scratch<T>.PackA(groupLength * s.Groups);
        for (int g = 0; g < s.Groups; g++)
            GemmCore<TL, TV, T>.PackA(false, coutG, kred, w + (long)g * coutG * kred, kred, packedW + g * groupLength);
        nint px = (nint)x, pw = (nint)packedW, pb = (nint)bias, py = (nint)y;
        ForEachImage(s.N, (n, parallelGemm) => ForwardImage((T*)px, (T*)pw, groupLength, (T*)pb, (T*)py, s, n, parallelGemm));
    }

    private static void ForwardImage(T* x, T* packedW, long groupLength, T* bias, T* y, in Conv2dShape s, int n, bool parallelGemm)
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        T* packedColumns = Scratch<T>.PackB(GemmCore<TL, TV, T>.PackedBLength(kred, pixels));
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
            if (IsPointwise(s)) GemmCore<TL, TV, T>.PackB(false, kred, pixels, image, pixels, packedColumns);
            else PackColumns(image, s, packedColumns);
            GemmCore<TL, TV, T>.Compute(coutG, pixels, kred, T.One, packedW + g * groupLength, packedColumns, beta, output, pixels, parallelGemm);
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
        int kred = ReductionLength(s), coutG = s.CoutPerGroup;
        long groupLength = GemmCore<TL, TV, T>.PackedALength(kred, coutG);
        T* packedWt = Scratch<T>.PackA(groupLength * s.Groups);
        for (int g = 0; g < s.Groups; g++)
            GemmCore<TL, TV, T>.PackA(true, kred, coutG, w + (long)g * coutG * kred, kred, packedWt + g * groupLength);
        nint pdy = (nint)dy, pw = (nint)packedWt, pdx = (nint)dx;
        ForEachImage(s.N, (n, parallelGemm) => BackwardInputImage((T*)pdy, (T*)pw, groupLength, (T*)pdx, s, n, parallelGemm));
    }

    private static void BackwardInputImage(T* dy, T* packedWt, long groupLength, T* dx, in Conv2dShape s, int n, bool parallelGemm)
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        bool pointwise = IsPointwise(s);
        T* packedGrad = Scratch<T>.PackB(GemmCore<TL, TV, T>.PackedBLength(coutG, pixels));
        T* columns = pointwise ? null : Scratch<T>.Columns((long)kred * pixels);
        for (int g = 0; g < s.Groups; g++)
        {
            T* gradOut = dy + ((long)n * s.Cout + (long)g * coutG) * pixels;
            T* gradIn = dx + ((long)n * s.Cin + (long)g * cinG) * s.H * s.W;
            GemmCore<TL, TV, T>.PackB(false, coutG, pixels, gradOut, pixels, packedGrad);
            // dcol = Wᵀ·dY; a pointwise convolution's dcol is dx itself.
            GemmCore<TL, TV, T>.Compute(kred, pixels, coutG, T.One, packedWt + g * groupLength, packedGrad, T.Zero,
                pointwise ? gradIn : columns, pixels, parallelGemm);
            if (!pointwise) Col2Im(columns, pixels, s, gradIn);
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
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), coutG = s.CoutPerGroup;
        // The chunk size depends on the shape only, so the summation order is fixed for every thread count.
        int imagesPerChunk = Math.Clamp(WeightGradientColumns / pixels, 1, s.N);
        int maxWidth = imagesPerChunk * pixels;
        T* packedGrad = Scratch<T>.PackA(GemmCore<TL, TV, T>.PackedALength(coutG, maxWidth));
        T* packedColumns = Scratch<T>.PackB(GemmCore<TL, TV, T>.PackedBLength(maxWidth, kred));
        nint px = (nint)x, pdy = (nint)dy, pg = (nint)packedGrad, pc = (nint)packedColumns;
        for (int g = 0; g < s.Groups; g++)
        {
            for (int n0 = 0; n0 < s.N; n0 += imagesPerChunk)
            {
                int images = Math.Min(imagesPerChunk, s.N - n0), width = images * pixels, group = g;
                // dW_g += dY[coutG × width] · col[kred × width]ᵀ, both packed straight from their sources.
                Parallelism.For(images, i =>
                    PackChunkImage((T*)px, (T*)pdy, s, group, n0 + i, i * pixels, width, (T*)pg, (T*)pc));
                GemmCore<TL, TV, T>.Compute(coutG, kred, width, T.One, packedGrad, packedColumns, n0 == 0 ? T.Zero : T.One,
                    dw + (long)g * coutG * kred, kred, parallel: true);
            }
        }
    }

    /// <summary>Packs image n's share (columns [offset, offset + pixels) of the chunk's depth) of the backward-weight
    /// GEMM operands: A = dY rows, B = col(x)ᵀ.</summary>
    private static void PackChunkImage(T* x, T* dy, in Conv2dShape s, int g, int n, int offset, int width, T* packedGrad, T* packedColumns)
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), coutG = s.CoutPerGroup, mr = GemmCore<TL, TV, T>.MR, nr = GemmCore<TL, TV, T>.NR;
        int rowsPadded = GemmCore<TL, TV, T>.RoundUp(coutG, mr), colsPadded = GemmCore<TL, TV, T>.RoundUp(kred, nr);
        T* gradOut = dy + ((long)n * s.Cout + (long)g * coutG) * pixels;
        T* image = x + ((long)n * s.Cin + (long)g * s.CinPerGroup) * s.H * s.W;
        int plane = s.H * s.W;
        for (int q = 0; q < pixels; q++)
        {
            int depth = offset + q, pc = depth / GemmCore<TL, TV, T>.KC * GemmCore<TL, TV, T>.KC, kc = Math.Min(GemmCore<TL, TV, T>.KC, width - pc), p = depth - pc;
            for (int i0 = 0; i0 < rowsPadded; i0 += mr)
            {
                T* panel = GemmCore<TL, TV, T>.PanelA(packedGrad, coutG, pc, kc, i0) + p * mr;
                for (int r = 0; r < mr; r++)
                    panel[r] = i0 + r < coutG ? gradOut[(long)(i0 + r) * pixels + q] : T.Zero;
            }
            int i = q / s.OutW, j = q - i * s.OutW;
            int hBase = i * s.StrideH - s.PadH, wBase = j * s.StrideW - s.PadW;
            T* panelB = GemmCore<TL, TV, T>.PanelB(packedColumns, kred, pc, kc, 0) + p * nr;
            int column = 0;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int kh = 0; kh < s.KH; kh++)
            {
                int hi = hBase + kh * s.DilationH;
                bool rowInside = (uint)hi < (uint)s.H;
                T* src = image + (long)ci * plane + (long)hi * s.W;
                for (int kw = 0; kw < s.KW; kw++, column++)
                {
                    int wi = wBase + kw * s.DilationW;
                    panelB[(long)(column / nr) * kc * nr + column % nr] = rowInside && (uint)wi < (uint)s.W ? src[wi] : T.Zero;
                }
            }
            for (; column < colsPadded; column++) panelB[(long)(column / nr) * kc * nr + column % nr] = T.Zero;
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

    /// <summary>im2col straight into packed GEMM B panels (k = CinPerGroup·KH·KW rows, n = OutH·OutW columns), for
    /// one image and group: row (ci·KH + kh)·KW + kw, column i·OW + j holds x[ci, i·sh − ph + kh·dh, j·sw − pw + kw·dw]
    /// (0 outside the image).</summary>
    private static void PackColumns(T* image, in Conv2dShape s, T* packed)
    {
        int oh = s.OutH, ow = s.OutW, plane = s.H * s.W, pixels = oh * ow, kred = ReductionLength(s);
        int paddedPixels = GemmCore<TL, TV, T>.RoundUp(pixels, GemmCore<TL, TV, T>.NR);
        int row = 0;
        for (int ci = 0; ci < s.CinPerGroup; ci++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++, row++)
        {
            int pc = row / GemmCore<TL, TV, T>.KC * GemmCore<TL, TV, T>.KC, kc = Math.Min(GemmCore<TL, TV, T>.KC, kred - pc);
            T* block = GemmCore<TL, TV, T>.PanelB(packed, pixels, pc, kc, 0) + (row - pc) * GemmCore<TL, TV, T>.NR;
            var (first, end) = ValidRange(ow, s.W, s.StrideW, s.PadW, kw * s.DilationW);
            int offset = kw * s.DilationW - s.PadW;
            for (int i = 0; i < oh; i++)
            {
                int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                if ((uint)hi >= (uint)s.H)
                    WriteRun(block, kc, i * ow, ow, null, 0, 0, 1);
                else
                    WriteRun(block, kc, i * ow, ow, image + (long)ci * plane + (long)hi * s.W + offset, first, end, s.StrideW);
            }
            WriteRun(block, kc, pixels, paddedPixels - pixels, null, 0, 0, 1);
        }
    }

    /// <summary>Writes one row segment, columns [column, column + count), into a packed B row whose panels are
    /// kc·NR apart: element j is src[j·stride] for first ≤ j &lt; end, else 0.</summary>
    private static void WriteRun(T* block, int kc, int column, int count, T* src, int first, int end, int stride)
    {
        int nr = GemmCore<TL, TV, T>.NR;
        for (int j = 0; j < count;)
        {
            int q = column + j, lane = q % nr, run = Math.Min(count - j, nr - lane);
            T* dst = block + (long)(q / nr) * kc * nr + lane - j;  // dst[j'] is element j' of the segment
            int copyFrom = Math.Clamp(first, j, j + run), copyTo = Math.Clamp(end, copyFrom, j + run);
            for (int t = j; t < copyFrom; t++) dst[t] = T.Zero;
            if (stride == 1) GemmCore<TL, TV, T>.Copy(src + copyFrom, dst + copyFrom, copyTo - copyFrom);
            else for (int t = copyFrom; t < copyTo; t++) dst[t] = src[(long)t * stride];
            for (int t = copyTo; t < j + run; t++) dst[t] = T.Zero;
            j += run;
        }
    }

    /// <summary>The output columns j whose input column j·stride − pad + offset lies inside [0, width).</summary>
    private static (int First, int End) ValidRange(int outWidth, int width, int stride, int pad, int offset)
    {
        int shift = pad - offset;  // need j·stride ≥ shift and j·stride ≤ width − 1 + shift
        int first = shift <= 0 ? 0 : (shift + stride - 1) / stride;
        int last = width - 1 + shift < 0 ? -1 : (width - 1 + shift) / stride;
        return (Math.Min(first, outWidth), Math.Clamp(last + 1, Math.Min(first, outWidth), outWidth));
    }

    /// <summary>The adjoint of im2col (see <see cref="PackColumns"/>): dx (cleared first) accumulates every entry of the
    /// unpacked column matrix col[kred × OutH·OutW], in row order.</summary>
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
