using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NasPS.Compute.Kernels;

/// <summary>
/// Winograd F(2×2, 3×3) for float32 3×3 convolutions with stride 1 and padding 1 (one group, no bias) on AVX-512:
/// every 2×2 block of output pixels (a tile) is Aᵀ[Σ_ci U(co, ci) ⊙ V(ci)]A, where U = G·w·Gᵀ and V = Bᵀ·d·B are the 4×4
/// transforms of a 3×3 kernel and of the 4×4 input patch d under the tile. That is 16 multiplications per input channel
/// for 4 outputs where the direct convolution needs 36: the GEMMs do 2.25× less work, and the transforms are additions.
/// The 16 sums over the input channels are 16 GEMMs per chunk of images, M_ξ[Cout × tiles] = U_ξ[Cout × Cin] · V_ξ[Cin × tiles].
/// The results differ from the direct convolution's by rounding only (the transforms add a few roundings per output).
/// Tiles are vectorised 16 at a time along the tile index q = tile row · tiles per row + tile column, which needs each
/// image's tiles to come in whole vectors and its tile rows to fill or divide one: W = 8, 16 or 32 (NAS-Bench-201's sizes).
/// </summary>
internal static unsafe class WinogradF2x3
{
    private const int Positions = 16;  // the 4×4 transformed tile
    private const int Lanes = 16;      // tiles per Vector512<float>
    /// <summary>Transformed inputs and products of a GEMM kept to about this many bytes, so they stay in L2 (written by one
    /// transform, read by the GEMM, and again for the other transform).</summary>
    private const long ChunkBytes = 128 << 10;
    /// <summary>Columns of one GEMM register tile (2 × 16 floats): fewer would leave the GEMM computing padding.</summary>
    private const int MinimumColumns = 32;
    private const int PositionGap = 48;

    // Over the 32 input values behind a vector of 16 tiles (lanes v), the columns 2v − 1, 2v, 2v + 1 and 2v + 2 of a tile row.
    private static readonly Vector512<int> LeftIndices = Vector512.Create(0, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29);
    private static readonly Vector512<int> RightIndices = Vector512.Create(2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0);
    private static readonly Vector512<int> EvenIndices = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> OddIndices = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    private static readonly Vector512<int> InterleaveLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> InterleaveHigh = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    // Clear the lanes whose column 2v − 1 (first) or 2v + 2 (last) is padding: tile rows of 16, 8 or 4 tiles.
    private static readonly Vector512<float> FirstOf16 = EveryNth(16, 0), LastOf16 = EveryNth(16, 15);
    private static readonly Vector512<float> FirstOf8 = EveryNth(8, 0), LastOf8 = EveryNth(8, 7);
    private static readonly Vector512<float> FirstOf4 = EveryNth(4, 0), LastOf4 = EveryNth(4, 3);

    /// <summary>All bits set in every lane but those at <paramref name="offset"/> modulo <paramref name="period"/>.</summary>
    private static Vector512<float> EveryNth(int period, int offset)
    {
        var bits = new uint[Lanes];
        for (int lane = 0; lane < Lanes; lane++) bits[lane] = lane % period == offset ? 0u : uint.MaxValue;
        return Vector512.Create(bits).AsSingle();
    }

    /// <summary>Whether this route computes the convolution <paramref name="s"/> (on this machine).</summary>
    public static bool Applies(in Conv2dShape s, bool hasBias) =>
        Avx512F.IsSupported && !hasBias && s.Groups == 1
        && s.KH == 3 && s.KW == 3 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 1 && s.PadW == 1
        && s.DilationH == 1 && s.DilationW == 1
        && s.H % 2 == 0 && s.W is 8 or 16 or 32 && s.H / 2 * (s.W / 2) % Lanes == 0;

    /// <summary>y = conv(x, w), or conv(max(x, 0), w) with <paramref name="rectify"/>; plane moments as
    /// <see cref="Conv2dKernel.Forward{T}"/> takes them when <paramref name="moments"/> is not null.</summary>
    public static void Forward(float* x, float* w, float* y, Conv2dShape s, bool rectify, double* moments)
    {
        long packedLength = GemmCore<Lanes512<float>, Vector512<float>, float>.PackedALength(s.Cout, s.Cin);
        float* packedU = Scratch<float>.PackA(packedLength * Positions);
        TransformWeights(w, s.Cout, s.Cin, packedU, packedLength);
        var (images, span) = Chunking(s);
        int items = (s.N + images - 1) / images;
        nint px = (nint)x, pu = (nint)packedU, py = (nint)y, pm = (nint)moments;
        Parallelism.ForEachItem(items, (i, parallelGemm) =>
            Item((float*)px, (float*)pu, packedLength, (float*)py, s, i * images, images, span, parallelGemm, rectify, (double*)pm));
    }

    /// <summary>
    /// Work items of <c>Images</c> whole images, each computed in GEMMs over <c>Span</c> tiles at a time (all of the item's
    /// tiles, or a part of its one image), so that a GEMM's transformed inputs and products (16·(Cin + Cout) floats per
    /// tile) stay near <see cref="ChunkBytes"/>, and a GEMM has at least one whole tile of columns where the images allow.
    /// Fixed by the shape alone; a GEMM's columns are independent, so results never depend on the chunking.
    /// </summary>
    private static (int Images, int Span) Chunking(in Conv2dShape s)
    {
        int imageTiles = s.H / 2 * (s.W / 2);
        long bytesPerTile = 4L * Positions * (s.Cin + s.Cout);
        int fits = (int)Math.Max(MinimumColumns, ChunkBytes / bytesPerTile / Lanes * Lanes);
        if (fits < imageTiles)
        {
            int span = fits;
            while (imageTiles % span != 0) span -= Lanes;  // whole vectors of tiles divide every image's tiles
            return (1, span);
        }
        int images = Math.Clamp(fits / imageTiles, 1, s.N);
        return (images, images * imageTiles);
    }

    /// <summary>Images [n0, n0 + images): the GEMMs over spans of tiles, then each output plane's moments.</summary>
    private static void Item(float* x, float* packedU, long packedLength, float* y, in Conv2dShape s, int n0, int images, int span,
        bool parallelGemm, bool rectify, double* moments)
    {
        int count = Math.Min(images, s.N - n0), imageTiles = s.H / 2 * (s.W / 2), pixels = s.H * s.W;
        if (count * imageTiles <= span)
            Chunk(x, packedU, packedLength, y, s, n0, count, 0, imageTiles, parallelGemm, rectify);
        else
            for (int first = 0; first < imageTiles; first += span)
                Chunk(x, packedU, packedLength, y, s, n0, 1, first, span, parallelGemm, rectify);
        if (moments == null) return;
        for (long plane = (long)n0 * s.Cout; plane < (long)(n0 + count) * s.Cout; plane++)
            (moments[2 * plane], moments[2 * plane + 1]) = PlaneMoments<float>.OfPlane(new ReadOnlySpan<float>(y + plane * pixels, pixels));
    }

    /// <summary>U_ξ = (G·w·Gᵀ)_ξ for every (co, ci), packed as 16 GEMM left operands [Cout × Cin], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
    /// With one depth block (Cin ≤ GemmCore.KC) the values go straight to their packed places: panels of MR output channels,
    /// input channel by input channel.</summary>
    private static void TransformWeights(float* w, int cout, int cin, float* packedU, long packedLength)
    {
        int mr = GemmCore<Lanes512<float>, Vector512<float>, float>.MR;
        bool direct = GemmCore<Lanes512<float>, Vector512<float>, float>.DepthBlock(cin) == cin;
        long plane = (long)cout * cin;
        float* u = direct ? packedU : Scratch<float>.Weights(Positions * plane);
        long stride = direct ? packedLength : plane;
        if (direct && cout % mr != 0) new Span<float>(packedU, (int)(Positions * packedLength)).Clear();  // the last panel's padding rows
        float* t = stackalloc float[12];
        for (int co = 0; co < cout; co++)
        for (int ci = 0; ci < cin; ci++)
        {
            float* g = w + ((long)co * cin + ci) * 9;
            for (int k = 0; k < 3; k++)
            {
                t[k] = g[k];
                t[3 + k] = 0.5f * (g[k] + g[3 + k] + g[6 + k]);
                t[6 + k] = 0.5f * (g[k] - g[3 + k] + g[6 + k]);
                t[9 + k] = g[6 + k];
            }
            // Packed: row co % MR of the panel of rows from co − co % MR, depth ci (one depth block, so pc = 0, kc = Cin).
            long at = direct
                ? GemmCore<Lanes512<float>, Vector512<float>, float>.PanelA(packedU, cout, 0, cin, co - co % mr) - packedU + (long)ci * mr + co % mr
                : (long)co * cin + ci;
            for (int i = 0; i < 4; i++)
            {
                float* r = t + 3 * i;
                u[(4 * i + 0) * stride + at] = r[0];
                u[(4 * i + 1) * stride + at] = 0.5f * (r[0] + r[1] + r[2]);
                u[(4 * i + 2) * stride + at] = 0.5f * (r[0] - r[1] + r[2]);
                u[(4 * i + 3) * stride + at] = r[2];
            }
        }
        if (!direct)
            for (int xi = 0; xi < Positions; xi++)
                GemmCore<Lanes512<float>, Vector512<float>, float>.PackA(false, cout, cin, u + xi * plane, cin, packedU + xi * packedLength);
    }

    /// <summary>Tiles [first, first + tiles) of each of <paramref name="count"/> images from n0: transformed, multiplied
    /// (one GEMM per position ξ, over Cin) and transformed back into y.</summary>
    private static void Chunk(float* x, float* packedU, long packedLength, float* y, in Conv2dShape s, int n0, int count, int first, int tiles,
        bool parallelGemm, bool rectify)
    {
        int cin = s.Cin, cout = s.Cout, pixels = s.H * s.W, columns = count * tiles;
        // The 16 positions' matrices lie PositionGap elements more than a power of two apart: the transforms read or write
        // all 16 at once, and 16 streams 16 KiB apart would share the same few L1 sets. A GEMM may also read a partial
        // tile's B panel a little past its columns, into the gap.
        long inputStride = (long)cin * columns + PositionGap, outputStride = (long)cout * columns + PositionGap;
        float* v = Scratch<float>.Columns(Positions * inputStride);
        float* m = Scratch<float>.Gather(Positions * outputStride);
        for (int b = 0; b < count; b++)
        for (int ci = 0; ci < cin; ci++)
            TransformInput(x + ((long)(n0 + b) * cin + ci) * pixels, s.H, s.W, first, first + tiles, rectify,
                v + (long)ci * columns + (long)b * tiles - first, inputStride);
        int[]? heapOffsets = cin > 1024 ? new int[cin] : null;
        int* stackOffsets = stackalloc int[heapOffsets is null ? cin : 0];
        fixed (int* heap = heapOffsets)
        {
            int* rowOffsets = heap != null ? heap : stackOffsets;
            for (int k = 0; k < cin; k++) rowOffsets[k] = k * columns;
            for (int xi = 0; xi < Positions; xi++)
                GemmCore<Lanes512<float>, Vector512<float>, float>.Compute(cout, columns, cin, 1f, packedU + xi * packedLength,
                    OperandB<float>.InPlace(v + xi * inputStride, rowOffsets), 0f, m + xi * outputStride, columns, parallelGemm);
        }
        for (int b = 0; b < count; b++)
        for (int co = 0; co < cout; co++)
            TransformOutput(m + (long)co * columns + (long)b * tiles - first, outputStride, first, first + tiles, s.W,
                y + ((long)(n0 + b) * cout + co) * pixels);
    }

    /// <summary>
    /// V = Bᵀ·d·B for every tile of one input channel (rectified on request), Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]:
    /// position ξ of tile q (firstTile ≤ q &lt; endTile) goes to <paramref name="destination"/>[ξ·positionStride + q]. 16 tiles at a time: one tile row
    /// of a 32-wide image, two of a 16-wide one, four of an 8-wide one, read straight from x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(float* x, int height, int width, int firstTile, int endTile, bool rectify, float* destination,
        long positionStride)
    {
        int tileColumns = width / 2, tileRowsPerVector = Lanes / tileColumns, firstRow = firstTile / tileColumns;
        var (first, last) = width switch
        {
            32 => (FirstOf16, LastOf16),
            16 => (FirstOf8, LastOf8),
            _ => (FirstOf4, LastOf4),
        };
        if (width == 32)
        {
            // One tile row per vector: tile row th + 1 reads two of tile row th's input rows again; they are kept.
            PatchRow(x, height, width, 2 * firstRow - 1, rectify, first, last, out var a0, out var a1, out var a2, out var a3);
            PatchRow(x, height, width, 2 * firstRow, rectify, first, last, out var b0, out var b1, out var b2, out var b3);
            for (int q = firstTile, th = firstRow; q < endTile; q += Lanes, th++)
            {
                PatchRow(x, height, width, 2 * th + 1, rectify, first, last, out var c0, out var c1, out var c2, out var c3);
                PatchRow(x, height, width, 2 * th + 2, rectify, first, last, out var d0, out var d1, out var d2, out var d3);
                StoreTiles(destination + q, positionStride, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3);
                (a0, a1, a2, a3, b0, b1, b2, b3) = (c0, c1, c2, c3, d0, d1, d2, d3);
            }
            return;
        }
        for (int q = firstTile, th = firstRow; q < endTile; q += Lanes, th += tileRowsPerVector)
        {
            // Rows of d: input rows 2·th − 1 + r of each tile row in the vector.
            PatchRow(x, height, width, 2 * th - 1, rectify, first, last, out var d00, out var d01, out var d02, out var d03);
            PatchRow(x, height, width, 2 * th, rectify, first, last, out var d10, out var d11, out var d12, out var d13);
            PatchRow(x, height, width, 2 * th + 1, rectify, first, last, out var d20, out var d21, out var d22, out var d23);
            PatchRow(x, height, width, 2 * th + 2, rectify, first, last, out var d30, out var d31, out var d32, out var d33);
            StoreTiles(destination + q, positionStride, d00, d01, d02, d03, d10, d11, d12, d13, d20, d21, d22, d23, d30, d31, d32, d33);
        }
    }

    /// <summary>Bᵀ·d·B of 16 tiles' patches d (rows d0·, d1·, d2·, d3·), position ξ stored at o[ξ·stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTiles(float* o, long stride,
        Vector512<float> d00, Vector512<float> d01, Vector512<float> d02, Vector512<float> d03,
        Vector512<float> d10, Vector512<float> d11, Vector512<float> d12, Vector512<float> d13,
        Vector512<float> d20, Vector512<float> d21, Vector512<float> d22, Vector512<float> d23,
        Vector512<float> d30, Vector512<float> d31, Vector512<float> d32, Vector512<float> d33)
    {
        StoreRow(o, stride, d00 - d20, d01 - d21, d02 - d22, d03 - d23);
        StoreRow(o + 4 * stride, stride, d10 + d20, d11 + d21, d12 + d22, d13 + d23);
        StoreRow(o + 8 * stride, stride, d20 - d10, d21 - d11, d22 - d12, d23 - d13);
        StoreRow(o + 12 * stride, stride, d10 - d30, d11 - d31, d12 - d32, d13 - d33);
    }

    /// <summary>Row r of the 4×4 patches of 16 tiles, whose top input row is <paramref name="row"/> for the first tile row
    /// in the vector (the next tile row's is two further down): its columns 2v − 1, 2v, 2v + 1 and 2v + 2 for tile column v,
    /// zero outside the image. The 32 input values behind a vector (one row of 32, two rows of 16 or four rows of 8)
    /// are deinterleaved by permutes; the first and last masks clear the columns that fall into the padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PatchRow(float* x, int height, int width, int row, bool rectify, Vector512<float> first, Vector512<float> last,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
    {
        Vector512<float> low, high;
        if (width == 32)
        {
            (low, high) = (uint)row < (uint)height
                ? (Vector512.Load(x + row * 32), Vector512.Load(x + row * 32 + Lanes))
                : (Vector512<float>.Zero, Vector512<float>.Zero);
        }
        else if (width == 16)
        {
            low = (uint)row < (uint)height ? Vector512.Load(x + row * 16) : Vector512<float>.Zero;
            high = (uint)(row + 2) < (uint)height ? Vector512.Load(x + (row + 2) * 16) : Vector512<float>.Zero;
        }
        else
        {
            low = Vector512.Create(Row8(x, height, row), Row8(x, height, row + 2));
            high = Vector512.Create(Row8(x, height, row + 4), Row8(x, height, row + 6));
        }
        if (rectify)
        {
            low = Vector512.Max(low, Vector512<float>.Zero);
            high = Vector512.Max(high, Vector512<float>.Zero);
        }
        c0 = Avx512F.PermuteVar16x32x2(low, LeftIndices, high) & first;
        c1 = Avx512F.PermuteVar16x32x2(low, EvenIndices, high);
        c2 = Avx512F.PermuteVar16x32x2(low, OddIndices, high);
        c3 = Avx512F.PermuteVar16x32x2(low, RightIndices, high) & last;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row8(float* x, int height, int row) =>
        (uint)row < (uint)height ? Vector256.Load(x + row * 8) : Vector256<float>.Zero;

    /// <summary>One row of Bᵀ·d·B: (t0 − t2, t1 + t2, t2 − t1, t1 − t3) at four consecutive positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* o, long stride, Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3)
    {
        (t0 - t2).Store(o);
        (t1 + t2).Store(o + stride);
        (t2 - t1).Store(o + 2 * stride);
        (t1 - t3).Store(o + 3 * stride);
    }

    /// <summary>Y = Aᵀ·M·A for every tile of one output plane, Aᵀ = [1 1 1 0; 0 1 −1 −1], written as 2×2 pixel blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput(float* products, long positionStride, int firstTile, int endTile, int width, float* output)
    {
        int tileColumns = width / 2;
        for (int q = firstTile; q < endTile; q += Lanes)
        {
            float* p = products + q;
            // Rows of Aᵀ·M, column by column.
            var m0 = Vector512.Load(p); var m1 = Vector512.Load(p + 4 * positionStride);
            var m2 = Vector512.Load(p + 8 * positionStride); var m3 = Vector512.Load(p + 12 * positionStride);
            var s00 = m0 + m1 + m2; var s10 = m1 - m2 - m3;
            m0 = Vector512.Load(p + positionStride); m1 = Vector512.Load(p + 5 * positionStride);
            m2 = Vector512.Load(p + 9 * positionStride); m3 = Vector512.Load(p + 13 * positionStride);
            var s01 = m0 + m1 + m2; var s11 = m1 - m2 - m3;
            m0 = Vector512.Load(p + 2 * positionStride); m1 = Vector512.Load(p + 6 * positionStride);
            m2 = Vector512.Load(p + 10 * positionStride); m3 = Vector512.Load(p + 14 * positionStride);
            var s02 = m0 + m1 + m2; var s12 = m1 - m2 - m3;
            m0 = Vector512.Load(p + 3 * positionStride); m1 = Vector512.Load(p + 7 * positionStride);
            m2 = Vector512.Load(p + 11 * positionStride); m3 = Vector512.Load(p + 15 * positionStride);
            var s03 = m0 + m1 + m2; var s13 = m1 - m2 - m3;
            int tileRow = q / tileColumns, tileColumn = q % tileColumns;
            float* top = output + 2L * tileRow * width + 2 * tileColumn;
            StorePixels(top, width, s00 + s01 + s02, s01 - s02 - s03);
            StorePixels(top + width, width, s10 + s11 + s12, s11 - s12 - s13);
        }
    }

    /// <summary>Writes 16 tiles' left and right pixels of one pixel row phase: interleaved, they are a whole row (W = 32), or
    /// whole rows two apart (W = 16: two rows; W = 8: four).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixels(float* first, int width, Vector512<float> left, Vector512<float> right)
    {
        var low = Avx512F.PermuteVar16x32x2(left, InterleaveLow, right);
        var high = Avx512F.PermuteVar16x32x2(left, InterleaveHigh, right);
        if (width == 32)
        {
            low.Store(first);
            high.Store(first + Lanes);
        }
        else if (width == 16)
        {
            low.Store(first);
            high.Store(first + 2 * width);
        }
        else
        {
            low.GetLower().Store(first);
            low.GetUpper().Store(first + 2 * width);
            high.GetLower().Store(first + 4 * width);
            high.GetUpper().Store(first + 6 * width);
        }
    }
}
