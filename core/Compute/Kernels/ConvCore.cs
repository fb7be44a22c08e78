using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace NasPS.Compute.Kernels;

/// <summary>
/// Conv2d routes. Dense and grouped convolutions are GEMMs per group: forward Y = W·col(x), as an implicit GEMM over
/// chunks of images in a virtual pixel layout (SamePadded, Phased; an unpadded 1×1 convolution multiplies x itself);
/// backward input as the forward
/// convolution with flipped kernels (stride 1) or dcol = Wᵀ·dY scattered back by col2im; backward weight as dot
/// products along the pixels, dW = Σ dY·col(x)ᵀ, over the batch in shape-fixed chunks, in order. Depthwise
/// convolutions run directly.
/// Work is split over images (or, for a single image, inside the GEMM); either way every output element is the
/// same sequence of operations, so results do not depend on <see cref="Parallelism.Degree"/>.
/// </summary>
internal static unsafe class ConvCore<TL, TV, T>
    where TL : struct, ILanes<TV, T>
    where TV : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static bool IsPointwise(in Conv2dShape s) =>
        s.KH == 1 && s.KW == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0;

    private static int ReductionLength(in Conv2dShape s) => s.CinPerGroup * s.KH * s.KW;

    // ---------------------------------------------------------------- forward

    /// <summary>y = conv(x, w) + bias, or conv(max(x, 0), w) + bias with <paramref name="rectifyInput"/>: the ReLU in front of
    /// a convolution is applied where the input is staged for the GEMM anyway, which saves a pass over x and its output.
    /// Given <paramref name="moments"/> (2·N·Cout values), each output plane's sum and squared deviations about its mean
    /// (<see cref="PlaneMoments{T}"/>) are stored there as soon as the plane is written, while it is in cache.</summary>
    public static void Forward(T* x, T* w, T* bias, T* y, Conv2dShape s, bool rectifyInput = false, double* moments = null)
    {
        if (s.IsDepthwise)
        {
            if (rectifyInput) throw new NotSupportedException("A rectified input is staged by the GEMM routes only, not the depthwise one.");
            DepthwiseForward(x, w, bias, y, s, moments);
            return;
        }
        int kred = ReductionLength(s), coutG = s.CoutPerGroup;
        // The weights are packed once and shared by every image.
        long groupLength = GemmCore<TL, TV, T>.PackedALength(coutG, kred);
        T* packedW = Scratch<T>.PackA(groupLength * s.Groups);
        for (int g = 0; g < s.Groups; g++)
            GemmCore<TL, TV, T>.PackA(false, coutG, kred, w + (long)g * coutG * kred, kred, packedW + g * groupLength);
        nint px = (nint)x, pw = (nint)packedW, pb = (nint)bias, py = (nint)y, pm = (nint)moments;
        if (IsPointwise(s))
            Parallelism.ForEachItem(s.N, (n, parallelGemm) => ForwardPointwise((T*)px, (T*)pw, groupLength, (T*)pb, (T*)py, s, n, parallelGemm, rectifyInput, (double*)pm));
        else if (ShiftedPhases.Suits(s, bias != null))
            ForwardChunks(x, packedW, groupLength, bias, y, s, new ShiftedPhases(s, ForwardImagesPerChunk(s, ShiftedPhases.ImageSpan(s))), rectifyInput, moments);
        else if (ShiftedRows.Suits(s, bias != null))
            ForwardChunks(x, packedW, groupLength, bias, y, s, new ShiftedRows(s, ForwardImagesPerChunk(s, ShiftedRows.ImageSpan(s))), rectifyInput, moments);
        else if (SamePadded.Applies(s))
            ForwardChunks(x, packedW, groupLength, bias, y, s, new SamePadded(s, ForwardImagesPerChunk(s, SamePadded.ImageSpan(s))), rectifyInput, moments);
        else
            ForwardChunks(x, packedW, groupLength, bias, y, s, new Phased(s, ForwardImagesPerChunk(s, Phased.ImageSpan(s))), rectifyInput, moments);
    }

    /// <summary>Stores the sum and squared deviations of one output plane at <paramref name="moments"/> (when given).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeMoments(T* plane, int pixels, double* moments)
    {
        if (moments == null) return;
        (moments[0], moments[1]) = PlaneMoments<T>.OfPlane(new ReadOnlySpan<T>(plane, pixels));
    }

    private static void ForwardChunks<TLayout>(T* x, T* packedW, long groupLength, T* bias, T* y, in Conv2dShape s, TLayout layout, bool rectify,
        double* moments)
        where TLayout : struct, IVirtualLayout
    {
        int[] rowOffsets = layout.RowOffsets(s);
        // Small images waste many virtual columns (8×8 with pad 1: 81 computed per 64 kept); those GEMMs gather
        // just the kept pixels into each B panel instead, which costs a copy per panel row but no dropped work.
        int pixels = s.OutH * s.OutW;
        int[] columnOffsets = layout.RowWidth != s.OutW && layout.ImageStride * 5 > pixels * 6 ? CompactColumns(layout, s) : [];
        var shape = s;
        fixed (int* offsets = rowOffsets) fixed (int* columns = columnOffsets)
        {
            nint px = (nint)x, pw = (nint)packedW, pb = (nint)bias, py = (nint)y, po = (nint)offsets, pcol = (nint)columns, pm = (nint)moments;
            int chunks = (s.N + layout.Images - 1) / layout.Images;
            Parallelism.ForEachItem(chunks, (chunk, parallelGemm) => ForwardChunk((T*)px, (T*)pw, groupLength, (int*)po, (int*)pcol,
                (T*)pb, (T*)py, shape, layout, chunk * layout.Images, parallelGemm, rectify, (double*)pm));
        }
    }

    /// <summary>The virtual column of every kept output pixel of a full chunk, in NCHW order (image, row, column).</summary>
    private static int[] CompactColumns<TLayout>(TLayout layout, in Conv2dShape s) where TLayout : struct, IVirtualLayout
    {
        var columns = new int[layout.Images * s.OutH * s.OutW];
        int c = 0;
        for (int b = 0; b < layout.Images; b++)
        for (int i = 0; i < s.OutH; i++)
        for (int j = 0; j < s.OutW; j++)
            columns[c++] = b * layout.ImageStride + i * layout.RowWidth + j;
        return columns;
    }

    /// <summary>Images per chunk of a same-padded convolution: about <see cref="ChunkPixels"/> reduction columns,
    /// fixed by the shape alone.</summary>
    private static int ImagesPerChunk(in Conv2dShape s, int span) => Math.Clamp(ChunkPixels / span, 1, s.N);

    private const int ChunkPixels = 1024;

    /// <summary>Images per chunk of a forward convolution: about as many as <see cref="ImagesPerChunk"/>, in a number of
    /// chunks the threads share evenly (64 images of 8×8 in chunks of 12 leave one thread 36 images and the other 28;
    /// chunks of 11 split them 33/31). A GEMM's columns are independent, so the chunking never changes a result.</summary>
    private static int ForwardImagesPerChunk(in Conv2dShape s, int span)
    {
        int images = ImagesPerChunk(s, span), degree = Parallelism.Degree;
        if (degree <= 1 || images <= 1) return images;
        int chunks = (s.N + images - 1) / images;
        chunks = (chunks + degree - 1) / degree * degree;
        return (s.N + chunks - 1) / chunks;
    }

    /// <summary>Implicit GEMM over a chunk of images in a virtual layout: Y_g[coutG × columns] = W_g · tap rows, the
    /// columns either every virtual pixel (taps read in place) or, given <paramref name="compactColumns"/>, only the
    /// kept ones (taps gathered).</summary>
    private static void ForwardChunk<TLayout>(T* x, T* packedW, long groupLength, int* rowOffsets, int* compactColumns, T* bias,
        T* y, in Conv2dShape s, TLayout layout, int n0, bool parallelGemm, bool rectify, double* moments) where TLayout : struct, IVirtualLayout
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), coutG = s.CoutPerGroup;
        int count = Math.Min(layout.Images, s.N - n0);
        bool compact = compactColumns != null;
        // Where output pixel (b, i, 0) sits among the GEMM's columns.
        int imageColumns = compact ? pixels : layout.ImageStride, rowColumns = compact ? s.OutW : layout.RowWidth;
        int columns = count * imageColumns;
        T* padded = Scratch<T>.Columns(layout.Length);
        // Output rows that are whole GEMM tiles (32-wide images in float32), or images whose rows follow each other with
        // no padding columns (ShiftedRows), are computed tile by tile in place: no padding columns are computed, and the
        // GEMM stores straight into y instead of a chunk buffer copied out after.
        int nr = GemmCore<TL, TV, T>.NR;
        bool unpaddedRows = layout.RowWidth == s.OutW && pixels % nr == 0;
        int rowTiles = unpaddedRows ? pixels / nr : s.OutW / nr, rowsPerImage = unpaddedRows ? 1 : s.OutH;
        if (!compact && bias == null && (unpaddedRows || s.OutW % nr == 0))
        {
            int tiles = count * rowsPerImage * rowTiles;
            int* starts = stackalloc int[Math.Min(tiles, 1024)];
            T** outputs = stackalloc T*[Math.Min(tiles, 1024)];
            int[]? startArray = tiles > 1024 ? new int[tiles] : null;
            nint[]? outputArray = tiles > 1024 ? new nint[tiles] : null;
            fixed (int* heapStarts = startArray) fixed (nint* heapOutputs = outputArray)
            {
                if (startArray is not null) { starts = heapStarts; outputs = (T**)heapOutputs; }
                for (int g = 0; g < s.Groups; g++)
                {
                    for (int b = 0; b < count; b++) layout.Fill(x, s, g, n0 + b, b, padded, clear: b == 0, rectify);
                    int t = 0;
                    for (int b = 0; b < count; b++)
                    for (int i = 0; i < rowsPerImage; i++)
                    for (int jt = 0; jt < rowTiles; jt++, t++)
                    {
                        starts[t] = b * layout.ImageStride + i * layout.RowWidth + jt * nr;
                        outputs[t] = y + ((long)(n0 + b) * s.Cout + (long)g * coutG) * pixels + (long)i * s.OutW + jt * nr;
                    }
                    GemmCore<TL, TV, T>.ComputeTileList(coutG, kred, packedW + g * groupLength, padded, rowOffsets, tiles, starts, outputs,
                        pixels, parallelGemm);
                    if (moments != null)
                        for (int b = 0; b < count; b++)
                        for (int co = 0; co < coutG; co++)
                        {
                            long plane = (long)(n0 + b) * s.Cout + (long)g * coutG + co;
                            TakeMoments(y + plane * pixels, pixels, moments + 2 * plane);
                        }
                }
            }
            return;
        }
        T* chunkOutput = Scratch<T>.Gather((long)coutG * columns);
        for (int g = 0; g < s.Groups; g++)
        {
            for (int b = 0; b < count; b++) layout.Fill(x, s, g, n0 + b, b, padded, clear: b == 0, rectify);
            var taps = compact ? OperandB<T>.Gathered(padded, rowOffsets, compactColumns) : OperandB<T>.InPlace(padded, rowOffsets);
            GemmCore<TL, TV, T>.Compute(coutG, columns, kred, T.One, packedW + g * groupLength, taps, T.Zero, chunkOutput, columns,
                parallelGemm);
            for (int b = 0; b < count; b++)
            for (int co = 0; co < coutG; co++)
            {
                T* output = y + ((long)(n0 + b) * s.Cout + (long)g * coutG + co) * pixels;
                T* source = chunkOutput + (long)co * columns + (long)b * imageColumns;
                T* channelBias = bias == null ? null : bias + g * coutG + co;
                // Rows as wide as the output (gathered columns, or a layout without padding columns) are contiguous: one copy.
                if (rowColumns == s.OutW) CopyOut(source, output, pixels, channelBias);
                else
                    for (int i = 0; i < s.OutH; i++) CopyOut(source + (long)i * rowColumns, output + (long)i * s.OutW, s.OutW, channelBias);
                if (moments != null) TakeMoments(output, pixels, moments + 2 * ((long)(n0 + b) * s.Cout + (long)g * coutG + co));
            }
        }
    }

    /// <summary>dst[0..count) = src[0..count), plus *bias when given (one rounding, as a separate add would give).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyOut(T* src, T* dst, int count, T* bias)
    {
        if (bias == null)
        {
            GemmCore<TL, TV, T>.Copy(src, dst, count);
            return;
        }
        T add = *bias;
        TV lanes = TL.Broadcast(add);
        int t = 0;
        for (; t + TL.Count <= count; t += TL.Count) TL.Store(dst + t, TL.Add(TL.Load(src + t), lanes));
        for (; t < count; t++) dst[t] = src[t] + add;
    }

    /// <summary>Unpadded 1×1 stride-1 convolutions, one image at a time: Y_g = W_g · x_g, x packed as it stands.</summary>
    private static void ForwardPointwise(T* x, T* packedW, long groupLength, T* bias, T* y, in Conv2dShape s, int n, bool parallelGemm, bool rectify,
        double* moments)
    {
        int pixels = s.H * s.W, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        T* packedImage = Scratch<T>.PackB(GemmCore<TL, TV, T>.PackedBLength(cinG, pixels));
        for (int g = 0; g < s.Groups; g++)
        {
            T* image = x + ((long)n * s.Cin + (long)g * cinG) * pixels;
            T* output = y + ((long)n * s.Cout + (long)g * coutG) * pixels;
            T beta = T.Zero;
            if (bias != null)
            {
                for (int co = 0; co < coutG; co++)
                    new Span<T>(output + (long)co * pixels, pixels).Fill(bias[g * coutG + co]);
                beta = T.One;
            }
            GemmCore<TL, TV, T>.PackB(false, cinG, pixels, image, pixels, packedImage, rectify);
            GemmCore<TL, TV, T>.Compute(coutG, pixels, cinG, T.One, packedW + g * groupLength, OperandB<T>.Packed(packedImage),
                beta, output, pixels, parallelGemm);
            if (moments != null)
                for (int co = 0; co < coutG; co++)
                    TakeMoments(output + (long)co * pixels, pixels, moments + 2 * ((long)n * s.Cout + (long)g * coutG + co));
        }
    }

    /// <summary>A virtual pixel layout for an implicit GEMM over a chunk of images: output pixel (b, i, j) is column
    /// v = b·ImageStride + i·RowWidth + j of the GEMM (other columns are computed and dropped), and tap r of every
    /// pixel is the buffer element at RowOffsets[r] + v, so each tap is one contiguous row read in place.</summary>
    private interface IVirtualLayout
    {
        int Images { get; }
        int RowWidth { get; }
        int ImageStride { get; }
        long Length { get; }
        int[] RowOffsets(in Conv2dShape s);
        /// <summary>Writes image n (group g) as image b of the chunk, max(x, 0) with <paramref name="rectify"/>;
        /// <paramref name="clear"/> (the chunk's first image) zeroes every position that no image writes.</summary>
        void Fill(T* x, in Conv2dShape s, int g, int n, int b, T* buffer, bool clear, bool rectify);
    }

    /// <summary>
    /// Any other convolution (strided, or stride 1 without 'same' padding): each channel is split into StrideH·StrideW
    /// phase planes P_ab[u, v] = x[u·sh + a, v·sw + b], each zero-padded. Tap (kh, kw), with e = kh·dh − PadH =
    /// sh·qe + ae (0 ≤ ae &lt; sh) and likewise f = sw·qf + af, reads P_{ae,af}[i + qe, j + qf] for output pixel (i, j): a
    /// shift of the phase plane. Filling the planes moves each input element once (im2col would move it KH·KW times).
    /// </summary>
    private readonly struct Phased : IVirtualLayout
    {
        public int Images { get; }
        public int RowWidth { get; }
        public int ImageStride { get; }
        public long Length { get; }
        private readonly int _rowsBefore, _columnsBefore;
        private readonly long _planeStride;

        public Phased(in Conv2dShape s, int images)
        {
            Images = images;
            var (rowsBefore, rows) = PlaneExtent(s.H, s.OutH, s.KH, s.StrideH, s.PadH, s.DilationH);
            var (columnsBefore, columns) = PlaneExtent(s.W, s.OutW, s.KW, s.StrideW, s.PadW, s.DilationW);
            _rowsBefore = rowsBefore;
            _columnsBefore = columnsBefore;
            RowWidth = columns;
            ImageStride = rows * columns;
            // Zero slack past the last image covers the over-reads of dropped positions and of the last GEMM tile.
            _planeStride = (long)images * ImageStride + 2L * columns + 64;
            Length = (long)s.CinPerGroup * s.StrideH * s.StrideW * _planeStride;
        }

        public static int ImageSpan(in Conv2dShape s) =>
            PlaneExtent(s.H, s.OutH, s.KH, s.StrideH, s.PadH, s.DilationH).Size * PlaneExtent(s.W, s.OutW, s.KW, s.StrideW, s.PadW, s.DilationW).Size;

        /// <summary>Rows (or columns) of a padded phase plane: the shifts q span [qMin, qMax]; output i reads i + q.</summary>
        private static (int Before, int Size) PlaneExtent(int input, int output, int taps, int stride, int pad, int dilation)
        {
            int qMin = FloorDiv(-pad, stride), qMax = FloorDiv((taps - 1) * dilation - pad, stride);
            int low = Math.Min(0, qMin), high = Math.Max((input + stride - 1) / stride - 1, output - 1 + qMax);
            return (-low, high - low + 1);
        }

        private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        public int[] RowOffsets(in Conv2dShape s)
        {
            var offsets = new int[ReductionLength(s)];
            int row = 0;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                int e = kh * s.DilationH - s.PadH, f = kw * s.DilationW - s.PadW;
                int qe = FloorDiv(e, s.StrideH), qf = FloorDiv(f, s.StrideW);
                int phase = (e - qe * s.StrideH) * s.StrideW + (f - qf * s.StrideW);
                offsets[row++] = checked((int)(((long)ci * s.StrideH * s.StrideW + phase) * _planeStride
                    + (long)(_rowsBefore + qe) * RowWidth + _columnsBefore + qf));
            }
            return offsets;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Fill(T* x, in Conv2dShape s, int g, int n, int b, T* buffer, bool clear, bool rectify)
        {
            if (clear) new Span<T>(buffer, checked((int)Length)).Clear();
            T* image = x + ((long)n * s.Cin + (long)g * s.CinPerGroup) * s.H * s.W;
            int sh = s.StrideH, sw = s.StrideW;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int h = 0; h < s.H; h++)
            {
                T* source = image + ((long)ci * s.H + h) * s.W;
                int a = h % sh, u = h / sh;
                // Phase (a, bw) of this row lies bw plane strides past phase (a, 0).
                T* target = buffer + ((long)ci * sh * sw + a * sw) * _planeStride + (long)b * ImageStride
                    + (long)(_rowsBefore + u) * RowWidth + _columnsBefore;
                if (sw == 1) GemmCore<TL, TV, T>.Copy(source, target, s.W, rectify);
                else if (sw == 2) Deinterleave(source, s.W, target, target + _planeStride, rectify);
                else
                    for (int bw = 0; bw < sw; bw++, target += _planeStride)
                        for (int v = 0, w = bw; w < s.W; v++, w += sw) target[v] = rectify ? T.Max(source[w], T.Zero) : source[w];
            }
        }
    }

    /// <summary>even[v] = source[2v], odd[v] = source[2v + 1] (a stride-2 row split into its two phases), each max(·, 0)
    /// with <paramref name="rectify"/>. For 4-byte elements, pairs are read as 8-byte integers and narrowed: the low halves
    /// are the even elements (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(T* source, int width, T* even, T* odd, bool rectify)
    {
        int v = 0;
        if (sizeof(T) == 4 && Vector256.IsHardwareAccelerated)
        {
            for (; 2 * v + 2 * Vector256<uint>.Count <= width; v += Vector256<uint>.Count)
            {
                var low = Vector256.Load((ulong*)(source + 2 * v));
                var high = Vector256.Load((ulong*)(source + 2 * v) + Vector256<ulong>.Count);
                var evens = Vector256.Narrow(low, high).As<uint, T>();
                var odds = Vector256.Narrow(Vector256.ShiftRightLogical(low, 32), Vector256.ShiftRightLogical(high, 32)).As<uint, T>();
                if (rectify)
                {
                    evens = Vector256.Max(evens, Vector256<T>.Zero);
                    odds = Vector256.Max(odds, Vector256<T>.Zero);
                }
                evens.Store(even + v);
                odds.Store(odd + v);
            }
        }
        for (; 2 * v < width; v++)
        {
            even[v] = rectify ? T.Max(source[2 * v], T.Zero) : source[2 * v];
            if (2 * v + 1 < width) odd[v] = rectify ? T.Max(source[2 * v + 1], T.Zero) : source[2 * v + 1];
        }
    }

    /// <summary>
    /// 'Same' stride-1 convolutions (2·pad = dilation·(k − 1) in both dimensions, output size = input size, other than
    /// 1×1) run as an implicit GEMM over a chunk of images laid out with shared zero padding: rows RowWidth = W + PadW
    /// wide (a row's PadW trailing zeros are also the next row's leading pad), images ImageStride = (H + PadH)·RowWidth
    /// apart (PadH zero rows between images), channels ChannelStride apart. Numbering output pixels
    /// v = b·ImageStride + i·RowWidth + j, tap (ci, kh, kw) of every pixel reads the buffer at
    /// ci·ChannelStride + kh·dh·RowWidth + kw·dw + v: one contiguous row per tap, read in place (no im2col).
    /// The positions with j ≥ W or i ≥ H are computed and dropped.
    /// </summary>
    private readonly struct SamePadded : IVirtualLayout
    {
        public int Images { get; }
        public int RowWidth { get; }
        public int ImageStride { get; }
        public long Length { get; }
        private readonly int Lead;
        private readonly long ChannelStride;

        public SamePadded(in Conv2dShape s, int images)
        {
            Images = images;
            RowWidth = s.W + s.PadW;
            ImageStride = ImageSpan(s);
            Lead = s.PadH * RowWidth + s.PadW;
            // Zero slack past the last image covers the over-reads of the dropped positions and of the last GEMM tile.
            ChannelStride = Lead + (long)images * ImageStride + (long)(s.PadH + 1) * RowWidth + s.PadW + 64;
            Length = s.CinPerGroup * ChannelStride;
        }

        public static bool Applies(in Conv2dShape s) =>
            s.StrideH == 1 && s.StrideW == 1 && !(s.KH == 1 && s.KW == 1)
            && 2 * s.PadH == s.DilationH * (s.KH - 1) && 2 * s.PadW == s.DilationW * (s.KW - 1);

        public static int ImageSpan(in Conv2dShape s) => (s.H + s.PadH) * (s.W + s.PadW);

        public int[] RowOffsets(in Conv2dShape s)
        {
            var offsets = new int[ReductionLength(s)];
            int row = 0;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
                offsets[row++] = checked((int)(ci * ChannelStride + kh * s.DilationH * RowWidth + kw * s.DilationW));
            return offsets;
        }

        /// <summary>Writes image n (group g) as image b of the chunk; <paramref name="clear"/> zeroes the padding first.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Fill(T* x, in Conv2dShape s, int g, int n, int b, T* buffer, bool clear, bool rectify)
        {
            if (clear) ClearPadding(s, buffer);
            T* image = x + ((long)n * s.Cin + (long)g * s.CinPerGroup) * s.H * s.W;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            {
                T* target = buffer + ci * ChannelStride + Lead + (long)b * ImageStride;
                T* source = image + (long)ci * s.H * s.W;
                for (int h = 0; h < s.H; h++)
                    GemmCore<TL, TV, T>.Copy(source + (long)h * s.W, target + (long)h * RowWidth, s.W, rectify);
            }
        }

        /// <summary>Zeroes every position no image writes (the lead, each row's PadW trailing columns, the PadH rows after
        /// each image slot, the slack): image rows are always written whole, so nothing else needs clearing.</summary>
        private void ClearPadding(in Conv2dShape s, T* buffer)
        {
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            {
                T* channel = buffer + ci * ChannelStride;
                new Span<T>(channel, Lead).Clear();
                for (int slot = 0; slot < Images; slot++)
                {
                    T* image = channel + Lead + (long)slot * ImageStride;
                    if (RowWidth > s.W)
                        for (int h = 0; h < s.H; h++) new Span<T>(image + (long)h * RowWidth + s.W, RowWidth - s.W).Clear();
                    new Span<T>(image + (long)s.H * RowWidth, ImageStride - s.H * RowWidth).Clear();
                }
                long tail = Lead + (long)Images * ImageStride;
                new Span<T>(channel + tail, checked((int)(ChannelStride - tail))).Clear();
            }
        }
    }

    /// <summary>
    /// 'Same' stride-1 convolutions of images narrower than a GEMM tile whose planes are whole tiles (8×8 and 16×16 in
    /// float32): for each kw, every channel is stored once more with its rows shifted by kw·dw − PadW (zeros where the
    /// shift leaves the image) and with no padding columns, images ImageStride = (H + PadH)·W apart (PadH zero rows
    /// between images, as in <see cref="SamePadded"/>). Output pixel (b, i, j) is column v = b·ImageStride + i·W + j, and
    /// tap (ci, kh, kw) reads copy (ci, kw) at v + kh·dh·W. An image's pixels are then consecutive columns, so the GEMM
    /// takes them a tile at a time and writes y in place: no dropped columns, no gather, no copy-out, for KW copies of
    /// the input instead of one.
    /// </summary>
    private readonly struct ShiftedRows : IVirtualLayout
    {
        public int Images { get; }
        public int RowWidth { get; }
        public int ImageStride { get; }
        public long Length { get; }
        private readonly int _lead;
        private readonly long _planeStride;

        public ShiftedRows(in Conv2dShape s, int images)
        {
            Images = images;
            RowWidth = s.W;
            ImageStride = ImageSpan(s);
            _lead = s.PadH * s.W;
            // Zero slack past the last image covers its bottom padding rows and the reads of its last tile.
            _planeStride = _lead + (long)images * ImageStride + GemmCore<TL, TV, T>.NR + 64;
            Length = (long)s.CinPerGroup * s.KW * _planeStride;
        }

        public static bool Suits(in Conv2dShape s, bool hasBias)
        {
            int nr = GemmCore<TL, TV, T>.NR;
            return !hasBias && SamePadded.Applies(s) && s.W % nr != 0 && s.H * s.W % nr == 0;
        }

        public static int ImageSpan(in Conv2dShape s) => (s.H + s.PadH) * s.W;

        public int[] RowOffsets(in Conv2dShape s)
        {
            var offsets = new int[ReductionLength(s)];
            int row = 0;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
                offsets[row++] = checked((int)((ci * s.KW + kw) * _planeStride + kh * s.DilationH * RowWidth));
            return offsets;
        }

        /// <summary>Writes image n (group g) as image b of the chunk: each shifted copy is one contiguous copy of the
        /// image (rows follow each other with no padding), after which the columns the shift pulled in from the
        /// neighbouring row are zeroed. <paramref name="clear"/> zeroes the rows between images (the images' own rows
        /// are always written whole).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Fill(T* x, in Conv2dShape s, int g, int n, int b, T* buffer, bool clear, bool rectify)
        {
            int pixels = s.H * s.W, planes = s.CinPerGroup * s.KW;
            if (clear)
                for (int plane = 0; plane < planes; plane++)
                {
                    T* start = buffer + plane * _planeStride;
                    new Span<T>(start, _lead).Clear();
                    for (int slot = 0; slot < Images; slot++)
                        new Span<T>(start + _lead + (long)slot * ImageStride + pixels, ImageStride - pixels).Clear();
                    long tail = _lead + (long)Images * ImageStride;
                    new Span<T>(start + tail, (int)(_planeStride - tail)).Clear();
                }
            T* image = x + ((long)n * s.Cin + (long)g * s.CinPerGroup) * pixels;
            if (s.KW == 3 && s.DilationW == 1 && s.PadW == 1 && s.PadH >= 1 && pixels >= TL.Count)
            {
                // The 3×3 case: one read of each channel, stored three times (shifts −1, 0, +1). The first and last
                // stores spill one element into the zero rows around the image, which are zeroed again after.
                for (int ci = 0; ci < s.CinPerGroup; ci++)
                {
                    T* source = image + (long)ci * pixels;
                    T* left = buffer + (ci * 3) * _planeStride + _lead + (long)b * ImageStride;
                    T* middle = left + _planeStride, right = middle + _planeStride;
                    int t = 0, lanes = TL.Count;
                    for (; t + lanes <= pixels; t += lanes)
                    {
                        TV v = TL.Load(source + t);
                        if (rectify) v = TL.Max(v, TL.Zero);
                        TL.Store(left + t + 1, v);
                        TL.Store(middle + t, v);
                        TL.Store(right + t - 1, v);
                    }
                    for (; t < pixels; t++)
                    {
                        T v = rectify ? T.Max(source[t], T.Zero) : source[t];
                        left[t + 1] = v;
                        middle[t] = v;
                        right[t - 1] = v;
                    }
                    left[pixels] = T.Zero;
                    right[-1] = T.Zero;
                    // Column 0 of the left copy and column W − 1 of the right one lie outside the image.
                    for (int h = 0; h < s.H; h++)
                    {
                        left[h * s.W] = T.Zero;
                        right[h * s.W + s.W - 1] = T.Zero;
                    }
                }
                return;
            }
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                // Column j of the copy holds input column j + shift; |shift| columns per row fall outside the image.
                int shift = kw * s.DilationW - s.PadW;
                T* target = buffer + (ci * s.KW + kw) * _planeStride + _lead + (long)b * ImageStride;
                T* source = image + (long)ci * pixels;
                int width = Math.Min(Math.Abs(shift), s.W);
                if (width == s.W)
                {
                    new Span<T>(target, pixels).Clear();
                    continue;
                }
                if (shift >= 0) GemmCore<TL, TV, T>.Copy(source + shift, target, pixels - shift, rectify);
                else GemmCore<TL, TV, T>.Copy(source, target - shift, pixels + shift, rectify);
                T* edge = shift >= 0 ? target + s.W - width : target;
                for (int h = 0; h < s.H; h++, edge += s.W)
                    for (int e = 0; e < width; e++) edge[e] = T.Zero;
            }
        }
    }

    /// <summary>
    /// 3×3, stride 2, padding 1 convolutions of even-sized images whose output planes are whole GEMM tiles but whose rows
    /// are narrower than one (NB201's reductions: 16×16 → 8×8 and 32×32 → 16×16 in float32). Each channel is stored six
    /// times, once per kw and input-row phase a, as C[u, j] = x[2u + a, 2j + kw − 1] (zero outside the image): output
    /// rows wide, no padding columns, one zero row before each image. Tap (kh, kw) of output pixel (i, j) is then
    /// C_{kw, a}[i + q, j] with (a, q) = (1, −1), (0, 0), (1, 0) for kh = 0, 1, 2, so an image's output pixels are
    /// consecutive columns of every tap row: the GEMM takes them a tile at a time and writes y in place, as for
    /// <see cref="ShiftedRows"/>, where the phase-plane layout gathered 64 of every 81 columns.
    /// </summary>
    private readonly struct ShiftedPhases : IVirtualLayout
    {
        public int Images { get; }
        public int RowWidth { get; }
        public int ImageStride { get; }
        public long Length { get; }
        private readonly long _planeStride;

        public ShiftedPhases(in Conv2dShape s, int images)
        {
            Images = images;
            RowWidth = s.OutW;
            ImageStride = ImageSpan(s);
            // A zero row before the first image (the others have the gap row of the image before), and zero slack past the last.
            _planeStride = s.OutW + (long)images * ImageStride + GemmCore<TL, TV, T>.NR + 64;
            Length = (long)s.CinPerGroup * 6 * _planeStride;
        }

        public static bool Suits(in Conv2dShape s, bool hasBias)
        {
            int nr = GemmCore<TL, TV, T>.NR;
            return !hasBias && s.KH == 3 && s.KW == 3 && s.StrideH == 2 && s.StrideW == 2 && s.PadH == 1 && s.PadW == 1
                && s.DilationH == 1 && s.DilationW == 1 && s.H == 2 * s.OutH && s.W == 2 * s.OutW
                && s.OutW % nr != 0 && s.OutH * s.OutW % nr == 0;
        }

        /// <summary>An image and the zero row after it.</summary>
        public static int ImageSpan(in Conv2dShape s) => (s.OutH + 1) * s.OutW;

        private long Plane(int ci, int kw, int phase) => ((long)ci * 6 + kw * 2 + phase) * _planeStride;

        public int[] RowOffsets(in Conv2dShape s)
        {
            var offsets = new int[ReductionLength(s)];
            int row = 0;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int kh = 0; kh < 3; kh++)
            for (int kw = 0; kw < 3; kw++)
            {
                // Column v = b·ImageStride + i·OutW + j; image b's row u starts at OutW + b·ImageStride + u·OutW.
                int phase = kh == 1 ? 0 : 1, rowShift = kh == 0 ? -1 : 0;
                offsets[row++] = checked((int)(Plane(ci, kw, phase) + (1 + rowShift) * s.OutW));
            }
            return offsets;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Fill(T* x, in Conv2dShape s, int g, int n, int b, T* buffer, bool clear, bool rectify)
        {
            int ow = s.OutW, oh = s.OutH;
            if (clear)
                for (int plane = 0; plane < s.CinPerGroup * 6; plane++)
                {
                    T* start = buffer + plane * _planeStride;
                    new Span<T>(start, ow).Clear();
                    for (int slot = 0; slot < Images; slot++) new Span<T>(start + ow + (long)slot * ImageStride + (long)oh * ow, ow).Clear();
                    long tail = ow + (long)Images * ImageStride;
                    new Span<T>(start + tail, (int)(_planeStride - tail)).Clear();
                }
            T* image = x + ((long)n * s.Cin + (long)g * s.CinPerGroup) * s.H * s.W;
            long slotStart = ow + (long)b * ImageStride;
            for (int ci = 0; ci < s.CinPerGroup; ci++)
            for (int phase = 0; phase < 2; phase++)
            {
                // kw = 1 takes the even columns, kw = 2 the odd ones, kw = 0 the odd ones one to the right.
                T* even = buffer + Plane(ci, 1, phase) + slotStart, odd = buffer + Plane(ci, 2, phase) + slotStart;
                T* shifted = buffer + Plane(ci, 0, phase) + slotStart;
                for (int u = 0; u < oh; u++, even += ow, odd += ow, shifted += ow)
                {
                    Deinterleave(image + ((long)ci * s.H + 2 * u + phase) * s.W, s.W, even, odd, rectify);
                    shifted[0] = T.Zero;
                    GemmCore<TL, TV, T>.Copy(odd, shifted + 1, ow - 1);
                }
            }
        }
    }

    // ---------------------------------------------------------------- backward input

    public static void BackwardInput(T* dy, T* w, T* dx, Conv2dShape s)
    {
        if (s.IsDepthwise)
        {
            DepthwiseBackwardInput(dy, w, dx, s);
            return;
        }
        int padH = s.DilationH * (s.KH - 1) - s.PadH, padW = s.DilationW * (s.KW - 1) - s.PadW;
        if (s.StrideH == 1 && s.StrideW == 1 && padH >= 0 && padW >= 0)
        {
            // Stride 1: dx is the forward convolution of dy with the flipped, channel-transposed kernel.
            var transposed = new Conv2dShape(s.N, s.Cout, s.OutH, s.OutW, s.Cin, s.KH, s.KW, 1, 1, padH, padW,
                s.DilationH, s.DilationW, s.Groups);
            T* flipped = Scratch<T>.Weights(s.WeightLength);
            FlipKernels(w, s, flipped);
            Forward(dy, flipped, null, dx, transposed);
            return;
        }
        int kred = ReductionLength(s), coutG = s.CoutPerGroup;
        long groupLength = GemmCore<TL, TV, T>.PackedALength(kred, coutG);
        T* packedWt = Scratch<T>.PackA(groupLength * s.Groups);
        for (int g = 0; g < s.Groups; g++)
            GemmCore<TL, TV, T>.PackA(true, kred, coutG, w + (long)g * coutG * kred, kred, packedWt + g * groupLength);
        nint pdy = (nint)dy, pw = (nint)packedWt, pdx = (nint)dx;
        Parallelism.ForEachItem(s.N, (n, parallelGemm) => BackwardInputImage((T*)pdy, (T*)pw, groupLength, (T*)pdx, s, n, parallelGemm));
    }

    /// <summary>w'[g, ci, co, kh, kw] = w[g, co, ci, KH − 1 − kh, KW − 1 − kw], per group.</summary>
    private static void FlipKernels(T* w, in Conv2dShape s, T* flipped)
    {
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup, taps = s.KH * s.KW;
        for (int g = 0; g < s.Groups; g++)
        for (int co = 0; co < coutG; co++)
        for (int ci = 0; ci < cinG; ci++)
        {
            T* source = w + ((long)(g * coutG + co) * cinG + ci) * taps;
            T* target = flipped + ((long)(g * cinG + ci) * coutG + co) * taps;
            for (int t = 0; t < taps; t++) target[t] = source[taps - 1 - t];
        }
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
            GemmCore<TL, TV, T>.Compute(kred, pixels, coutG, T.One, packedWt + g * groupLength, OperandB<T>.Packed(packedGrad), T.Zero,
                pointwise ? gradIn : columns, pixels, parallelGemm);
            if (!pointwise) Col2Im(columns, pixels, s, gradIn);
        }
    }

    // ---------------------------------------------------------------- backward weight

    public static void BackwardWeight(T* x, T* dy, T* dw, T* dbias, Conv2dShape s)
    {
        if (dbias != null) BiasGradient(dy, dbias, s);
        if (s.IsDepthwise)
            DepthwiseBackwardWeight(x, dy, dw, s);
        else if (SamePadded.Applies(s))
            BackwardWeightChunks(x, dy, dw, s, new SamePadded(s, ImagesPerChunk(s, SamePadded.ImageSpan(s))));
        else
            BackwardWeightChunks(x, dy, dw, s, new Phased(s, ImagesPerChunk(s, Phased.ImageSpan(s))));
    }

    /// <summary>
    /// dW_g[co, tap] = Σ over images and pixels of dy[co, pixel]·x[tap at pixel]: dot products along the pixels, with
    /// dy laid out in the same virtual pixel layout as the taps (zeros at the dropped positions), so both operands
    /// are contiguous. Images go in chunks whose size depends on the shape only, each chunk one long reduction, and
    /// the chunks accumulate in order: the summation order is fixed for every thread count.
    /// </summary>
    private static void BackwardWeightChunks<TLayout>(T* x, T* dy, T* dw, in Conv2dShape s, TLayout layout)
        where TLayout : struct, IVirtualLayout
    {
        int pixels = s.OutH * s.OutW, kred = ReductionLength(s), coutG = s.CoutPerGroup, lanes = TL.Count;
        int maxLength = GemmCore<TL, TV, T>.RoundUp(layout.Images * layout.ImageStride, lanes);
        T* gradients = Scratch<T>.Gather((long)coutG * maxLength);
        T* taps = Scratch<T>.Columns(layout.Length);
        int[] rowOffsets = layout.RowOffsets(s);
        int tileCols = GemmCore<TL, TV, T>.DotTileColumns, colTiles = (kred + tileCols - 1) / tileCols;
        var shape = s;
        fixed (int* offsets = rowOffsets)
        {
            nint px = (nint)x, pdy = (nint)dy, pg = (nint)gradients, pt = (nint)taps, po = (nint)offsets;
            for (int g = 0; g < s.Groups; g++)
            for (int n0 = 0; n0 < s.N; n0 += layout.Images)
            {
                int count = Math.Min(layout.Images, s.N - n0), group = g;
                int length = GemmCore<TL, TV, T>.RoundUp(count * layout.ImageStride, lanes);
                // Positions no image writes must read as zero (the scratch buffers start uninitialised).
                new Span<T>(gradients, coutG * length).Clear();
                new Span<T>(taps, checked((int)layout.Length)).Clear();
                Parallelism.For(count, b =>
                {
                    int n = n0 + b;
                    T* gradOut = (T*)pdy + ((long)n * shape.Cout + (long)group * coutG) * pixels;
                    for (int co = 0; co < coutG; co++)
                    {
                        T* target = (T*)pg + (long)co * length + (long)b * layout.ImageStride;
                        for (int i = 0; i < shape.OutH; i++)
                            GemmCore<TL, TV, T>.Copy(gradOut + (long)co * pixels + (long)i * shape.OutW, target + (long)i * layout.RowWidth, shape.OutW);
                    }
                    layout.Fill((T*)px, shape, group, n, b, (T*)pt, clear: false, rectify: false);
                });
                bool accumulate = n0 > 0;
                int strips = Math.Min(Parallelism.Degree, colTiles);
                nint pdwg = (nint)(dw + (long)g * coutG * kred);
                Parallelism.For(strips, strip =>
                {
                    int j0 = (int)((long)colTiles * strip / strips) * tileCols;
                    int j1 = Math.Min(kred, (int)((long)colTiles * (strip + 1) / strips) * tileCols);
                    GemmCore<TL, TV, T>.DotTiles(coutG, length, (T*)pg, length, (T*)pt, (int*)po, (T*)pdwg, kred, accumulate, j0, j1);
                });
            }
        }
    }

    /// <summary>dbias[c] = Σ over images (in order) of Σ over that image's pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    private static void DepthwiseForward(T* x, T* w, T* bias, T* y, Conv2dShape s, double* moments)
    {
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y, pm = (nint)moments;
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
            if (pm != 0) TakeMoments(output, s.OutH * s.OutW, (double*)pm + 2L * plane);
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
