using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NasPS.Compute.Kernels;

/// <summary>
/// Packed, cache-blocked GEMM (the BLIS loop nest) around a register-tiled micro-kernel of MR = TileRows rows ×
/// NR = two vectors. Operands are packed whole, in depth blocks of <see cref="KC"/>: A into panels of MR rows
/// (panel[p·MR + r]), B into panels of NR columns (panel[p·NR + q]), zero-padded. The convolutions pack once and
/// reuse (weights across images) or pack straight from their source (im2col into B panels).
/// Every C element is the same sequence of fused multiply-adds over k, block by block, whatever the tiling of
/// m and n or the thread that runs it: results do not depend on the degree of parallelism.
/// </summary>
internal static unsafe class GemmCore<TL, TV, T>
    where TL : struct, ILanes<TV, T>
    where TV : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Longest depth block: a B panel (KC × NR) stays in L1 while the A block (MC × KC) streams from L2.</summary>
    public const int KC = 320;

    /// <summary>The depth block for a reduction of length k: the fewest blocks of at most <see cref="KC"/>, all of
    /// (nearly) one length. Every block ends with a store of the C tile, so a short last block (288 = 256 + 32, the
    /// C32 3×3 convolution) would cost a whole pass over C for a few steps.</summary>
    public static int DepthBlock(int k)
    {
        int blocks = Math.Max(1, (k + KC - 1) / KC);
        return (k + blocks - 1) / blocks;
    }
    public static int MR => TL.TileRows;
    public static int NR => 2 * TL.Count;
    private static int MC => 96 / MR * MR;

    /// <summary>Row p of a packed B panel starts p·NR elements in.</summary>
    private static readonly int* PackedRowOffsets = CreatePackedRowOffsets();

    private static int* CreatePackedRowOffsets()
    {
        var offsets = (int*)NativeMemory.Alloc(KC, sizeof(int));
        for (int p = 0; p < KC; p++) offsets[p] = p * NR;
        return offsets;
    }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
    public static long PackedALength(int m, int k) => (long)RoundUp(m, MR) * k;
    public static long PackedBLength(int k, int n) => (long)RoundUp(n, NR) * k;

    /// <summary>Where packed A holds rows [i, i + MR) of the depth block starting at pc (length kc).</summary>
    public static T* PanelA(T* packed, int m, int pc, int kc, int i) => packed + (long)pc * RoundUp(m, MR) + (long)i * kc;

    /// <summary>Where packed B holds columns [j, j + NR) of the depth block starting at pc (length kc).</summary>
    public static T* PanelB(T* packed, int n, int pc, int kc, int j) => packed + (long)pc * RoundUp(n, NR) + (long)j * kc;

    /// <summary>C = alpha·op(A)·op(B) + beta·C for plain row-major operands: pack both, then compute in parallel.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        T* packedA = Scratch<T>.PackA(PackedALength(m, k));
        T* packedB = Scratch<T>.PackB(PackedBLength(k, n));
        PackA(transposeA, m, k, a, lda, packedA);
        PackB(transposeB, k, n, b, ldb, packedB);
        Compute(m, n, k, alpha, packedA, OperandB<T>.Packed(packedB), beta, c, ldc, parallel: true);
    }

    /// <summary>Packs op(A) (m × k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transposed, int m, int k, T* a, int lda, T* dst)
    {
        int mr = MR;
        int depthBlock = DepthBlock(k);
        for (int pc = 0; pc < k; pc += depthBlock)
        {
            int kc = Math.Min(depthBlock, k - pc);
            for (int i0 = 0; i0 < m; i0 += mr)
            {
                T* panel = PanelA(dst, m, pc, kc, i0);
                int rows = Math.Min(mr, m - i0);
                if (transposed)
                {
                    for (int p = 0; p < kc; p++, panel += mr)
                    {
                        T* src = a + (long)(pc + p) * lda + i0;
                        int r = 0;
                        for (; r < rows; r++) panel[r] = src[r];
                        for (; r < mr; r++) panel[r] = T.Zero;
                    }
                }
                else
                {
                    // Full panels of 8 rows go through 8 × 8 transposes; the rest (and the depth left over) element by element.
                    int done = rows == 8 && mr == 8 ? TransposeBlocks(a + (long)i0 * lda + pc, lda, kc, panel) : 0;
                    for (int r = 0; r < mr; r++)
                    {
                        T* src = a + (long)(i0 + r) * lda + pc;
                        if (r < rows)
                            for (int p = done; p < kc; p++) panel[p * mr + r] = src[p];
                        else
                            for (int p = done; p < kc; p++) panel[p * mr + r] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>panel[p·8 + r] = a[r·lda + p] for 8 rows and the first multiple of 8 of <paramref name="depth"/> columns,
    /// in 8 × 8 blocks transposed in registers (a third of the instructions of the element-by-element copy); returns
    /// how many columns it packed (0 where the vector instructions are missing).</summary>
    private static int TransposeBlocks(T* a, int lda, int depth, T* panel)
    {
        int blocks = depth / 8 * 8;
        if (typeof(T) == typeof(double) && Avx512F.IsSupported)
        {
            double* s = (double*)a, d = (double*)panel;
            for (int p = 0; p < blocks; p += 8) Transpose8x8(s + p, lda, d + p * 8);
            return blocks;
        }
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            float* s = (float*)a, d = (float*)panel;
            for (int p = 0; p < blocks; p += 8) Transpose8x8(s + p, lda, d + p * 8);
            return blocks;
        }
        return 0;
    }

    /// <summary>d[j·8 + r] = s[r·lda + j] for an 8 × 8 block of doubles: pairs of rows interleaved, then 128-bit quarters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(double* s, int lda, double* d)
    {
        Vector512<double> r0 = Vector512.Load(s), r1 = Vector512.Load(s + lda), r2 = Vector512.Load(s + 2L * lda), r3 = Vector512.Load(s + 3L * lda);
        Vector512<double> r4 = Vector512.Load(s + 4L * lda), r5 = Vector512.Load(s + 5L * lda), r6 = Vector512.Load(s + 6L * lda), r7 = Vector512.Load(s + 7L * lda);
        // t0: (r0_0 r1_0)(r0_2 r1_2)(r0_4 r1_4)(r0_6 r1_6); t1: the odd columns; likewise for rows 2–3, 4–5, 6–7.
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);
        // 0x88 takes quarters 0 and 2 of each operand, 0xDD quarters 1 and 3.
        var u0 = Avx512F.Shuffle4x128(t0, t2, 0x88); // columns 0, 4 of rows 0–3
        var u1 = Avx512F.Shuffle4x128(t0, t2, 0xDD); // columns 2, 6
        var u2 = Avx512F.Shuffle4x128(t1, t3, 0x88); // columns 1, 5
        var u3 = Avx512F.Shuffle4x128(t1, t3, 0xDD); // columns 3, 7
        var u4 = Avx512F.Shuffle4x128(t4, t6, 0x88); // the same for rows 4–7
        var u5 = Avx512F.Shuffle4x128(t4, t6, 0xDD);
        var u6 = Avx512F.Shuffle4x128(t5, t7, 0x88);
        var u7 = Avx512F.Shuffle4x128(t5, t7, 0xDD);
        Avx512F.Shuffle4x128(u0, u4, 0x88).Store(d);
        Avx512F.Shuffle4x128(u2, u6, 0x88).Store(d + 8);
        Avx512F.Shuffle4x128(u1, u5, 0x88).Store(d + 16);
        Avx512F.Shuffle4x128(u3, u7, 0x88).Store(d + 24);
        Avx512F.Shuffle4x128(u0, u4, 0xDD).Store(d + 32);
        Avx512F.Shuffle4x128(u2, u6, 0xDD).Store(d + 40);
        Avx512F.Shuffle4x128(u1, u5, 0xDD).Store(d + 48);
        Avx512F.Shuffle4x128(u3, u7, 0xDD).Store(d + 56);
    }

    /// <summary>d[j·8 + r] = s[r·lda + j] for an 8 × 8 block of floats (the AVX transpose: interleave, shuffle, swap halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, int lda, float* d)
    {
        Vector256<float> r0 = Vector256.Load(s), r1 = Vector256.Load(s + lda), r2 = Vector256.Load(s + 2L * lda), r3 = Vector256.Load(s + 3L * lda);
        Vector256<float> r4 = Vector256.Load(s + 4L * lda), r5 = Vector256.Load(s + 5L * lda), r6 = Vector256.Load(s + 6L * lda), r7 = Vector256.Load(s + 7L * lda);
        var t0 = Avx.UnpackLow(r0, r1);   // r0_0 r1_0 r0_1 r1_1 | r0_4 r1_4 r0_5 r1_5
        var t1 = Avx.UnpackHigh(r0, r1);  // r0_2 r1_2 r0_3 r1_3 | r0_6 r1_6 r0_7 r1_7
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        // 0x44 takes elements 0–1 of each operand's 128-bit half, 0xEE elements 2–3.
        var u0 = Avx.Shuffle(t0, t2, 0x44);  // column 0 of rows 0–3 | column 4
        var u1 = Avx.Shuffle(t0, t2, 0xEE);  // column 1 | column 5
        var u2 = Avx.Shuffle(t1, t3, 0x44);  // column 2 | column 6
        var u3 = Avx.Shuffle(t1, t3, 0xEE);  // column 3 | column 7
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        // Low halves of (rows 0–3, rows 4–7) are columns 0–3, high halves columns 4–7.
        Avx.Permute2x128(u0, u4, 0x20).Store(d);
        Avx.Permute2x128(u1, u5, 0x20).Store(d + 8);
        Avx.Permute2x128(u2, u6, 0x20).Store(d + 16);
        Avx.Permute2x128(u3, u7, 0x20).Store(d + 24);
        Avx.Permute2x128(u0, u4, 0x31).Store(d + 32);
        Avx.Permute2x128(u1, u5, 0x31).Store(d + 40);
        Avx.Permute2x128(u2, u6, 0x31).Store(d + 48);
        Avx.Permute2x128(u3, u7, 0x31).Store(d + 56);
    }

    /// <summary>Packs op(B) (k × n).</summary>
    public static void PackB(bool transposed, int k, int n, T* b, int ldb, T* dst) => PackB(transposed, k, n, b, ldb, dst, rectify: false);

    /// <summary>Packs op(B) (k × n); <paramref name="rectify"/> packs max(B, 0) instead (a ReLU fused into the packing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transposed, int k, int n, T* b, int ldb, T* dst, bool rectify)
    {
        int nr = NR, lanes = TL.Count;
        int depthBlock = DepthBlock(k);
        for (int pc = 0; pc < k; pc += depthBlock)
        {
            int kc = Math.Min(depthBlock, k - pc);
            for (int j0 = 0; j0 < n; j0 += nr)
            {
                T* panel = PanelB(dst, n, pc, kc, j0);
                int cols = Math.Min(nr, n - j0);
                if (transposed)
                {
                    for (int q = 0; q < nr; q++)
                    {
                        T* src = b + (long)(j0 + q) * ldb + pc;
                        if (q < cols)
                            for (int p = 0; p < kc; p++) panel[p * nr + q] = rectify ? T.Max(src[p], T.Zero) : src[p];
                        else
                            for (int p = 0; p < kc; p++) panel[p * nr + q] = T.Zero;
                    }
                }
                else if (cols == nr)
                {
                    T* src = b + (long)pc * ldb + j0;
                    for (int p = 0; p < kc; p++, src += ldb, panel += nr)
                    {
                        TV left = TL.Load(src), right = TL.Load(src + lanes);
                        if (rectify)
                        {
                            left = TL.Max(left, TL.Zero);
                            right = TL.Max(right, TL.Zero);
                        }
                        TL.Store(panel, left);
                        TL.Store(panel + lanes, right);
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, panel += nr)
                    {
                        T* src = b + (long)(pc + p) * ldb + j0;
                        int q = 0;
                        for (; q < cols; q++) panel[q] = rectify ? T.Max(src[q], T.Zero) : src[q];
                        for (; q < nr; q++) panel[q] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>C = alpha·A·B + beta·C from packed operands; with <paramref name="parallel"/>, C is split into strips
    /// of whole tiles, one per thread (so the tiling, and every result, equals the single-thread run).</summary>
    public static void Compute(int m, int n, int k, T alpha, T* packedA, OperandB<T> b, T beta, T* c, int ldc, bool parallel)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                c[(long)i * ldc + j] = beta == T.Zero ? T.Zero : beta * c[(long)i * ldc + j];
            return;
        }
        int rowTiles = (m + MR - 1) / MR, colTiles = (n + NR - 1) / NR;
        bool byColumns = colTiles >= rowTiles;
        int tiles = byColumns ? colTiles : rowTiles;
        int strips = parallel && (long)m * n * k >= 64 * 1024 ? Math.Min(Parallelism.Degree, tiles) : 1;
        if (strips <= 1)
            ComputeTiles(m, n, k, alpha, packedA, b, beta, c, ldc, 0, m, 0, n);
        else
            ComputeStrips(m, n, k, alpha, packedA, b, beta, c, ldc, tiles, strips, byColumns);
    }

    // Apart from Compute, whose single-strip calls (most of them: one per chunk of a convolution) would otherwise
    // allocate this closure too, since a lambda's captured parameters are hoisted at the method's start.
    private static void ComputeStrips(int m, int n, int k, T alpha, T* packedA, OperandB<T> b, T beta, T* c, int ldc, int tiles, int strips,
        bool byColumns)
    {
        nint pa = (nint)packedA, pc = (nint)c;
        Parallelism.For(strips, strip =>
        {
            int first = (int)((long)tiles * strip / strips), last = (int)((long)tiles * (strip + 1) / strips);
            if (byColumns)
                ComputeTiles(m, n, k, alpha, (T*)pa, b, beta, (T*)pc, ldc, 0, m, first * NR, Math.Min(n, last * NR));
            else
                ComputeTiles(m, n, k, alpha, (T*)pa, b, beta, (T*)pc, ldc, first * MR, Math.Min(m, last * MR), 0, n);
        });
    }

    /// <summary>
    /// C tiles of NR columns read in place wherever they lie: tile t takes B's columns [starts[t], starts[t] + NR) (row p
    /// of the depth at data + rowOffsets[p]) and writes all m rows of C at outputs[t], rows ldc apart. For convolutions
    /// whose image rows are whole tiles: each tile is one run of pixels of an output row, so the GEMM skips the padding
    /// columns between rows and stores straight into the output tensor. Every element is the same sequence of fused
    /// multiply-adds as in <see cref="Compute"/>.
    /// </summary>
    public static void ComputeTileList(int m, int k, T* packedA, T* data, int* rowOffsets, int tiles, int* starts, T** outputs, int ldc, bool parallel)
    {
        int strips = parallel && (long)m * tiles * NR * k >= 64 * 1024 ? Math.Min(Parallelism.Degree, tiles) : 1;
        if (strips <= 1)
            ComputeListedTiles(m, k, packedA, data, rowOffsets, starts, outputs, ldc, 0, tiles);
        else
            ComputeListedStrips(m, k, packedA, data, rowOffsets, tiles, starts, outputs, ldc, strips);
    }

    private static void ComputeListedStrips(int m, int k, T* packedA, T* data, int* rowOffsets, int tiles, int* starts, T** outputs, int ldc,
        int strips)
    {
        nint pa = (nint)packedA, pd = (nint)data, pr = (nint)rowOffsets, ps = (nint)starts, po = (nint)outputs;
        Parallelism.For(strips, strip => ComputeListedTiles(m, k, (T*)pa, (T*)pd, (int*)pr, (int*)ps, (T**)po, ldc,
            (int)((long)tiles * strip / strips), (int)((long)tiles * (strip + 1) / strips)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeListedTiles(int m, int k, T* packedA, T* data, int* rowOffsets, int* starts, T** outputs, int ldc, int t0, int t1)
    {
        int mr = MR, nr = NR;
        T* edge = stackalloc T[8 * 32];
        int depthBlock = DepthBlock(k);
        for (int pc = 0; pc < k; pc += depthBlock)
        {
            int kc = Math.Min(depthBlock, k - pc);
            T betaBlock = pc == 0 ? T.Zero : T.One;
            for (int t = t0; t < t1; t++)
            {
                T* panelB = data + starts[t];
                for (int ir = 0; ir < m; ir += mr)
                {
                    int rows = Math.Min(mr, m - ir);
                    T* panelA = PanelA(packedA, m, pc, kc, ir);
                    Tile(kc, panelA, panelB, rowOffsets + pc, outputs[t] + (long)ir * ldc, ldc, rows, nr, T.One, betaBlock, edge);
                }
            }
        }
    }

    /// <summary>Rows [i0, i1) × columns [j0, j1) of C; i0 and j0 are tile boundaries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeTiles(int m, int n, int k, T alpha, T* packedA, OperandB<T> b, T beta, T* c, int ldc,
        int i0, int i1, int j0, int j1)
    {
        int mr = MR, nr = NR, mc = MC;
        T* edge = stackalloc T[8 * 32];
        bool gathered = b.ColumnOffsets != null;
        T* gatherPanel = gathered ? Scratch<T>.Panel((long)KC * NR) : null;
        int depthBlock = DepthBlock(k);
        for (int pc = 0; pc < k; pc += depthBlock)
        {
            int kc = Math.Min(depthBlock, k - pc);
            T betaBlock = pc == 0 ? beta : T.One;
            for (int ic = i0; ic < i1; ic += mc)
            {
                int icEnd = Math.Min(ic + mc, i1);
                for (int jr = j0; jr < j1; jr += nr)
                {
                    int cols = Math.Min(nr, n - jr);
                    if (gathered) GatherPanel(b, pc, kc, jr, cols, gatherPanel);
                    T* panelB = gathered ? gatherPanel : b.RowOffsets == null ? PanelB(b.Data, n, pc, kc, jr) : b.Data + jr;
                    int* rowOffsets = gathered || b.RowOffsets == null ? PackedRowOffsets : b.RowOffsets + pc;
                    for (int ir = ic; ir < icEnd; ir += mr)
                    {
                        int rows = Math.Min(mr, m - ir);
                        T* panelA = PanelA(packedA, m, pc, kc, ir);
                        Tile(kc, panelA, panelB, rowOffsets, c + (long)ir * ldc + jr, ldc, rows, cols, alpha, betaBlock, edge);
                    }
                }
            }
        }
    }

    /// <summary>One C tile of <paramref name="rows"/> × <paramref name="cols"/> (at most MR × NR): a full tile straight
    /// from the micro-kernel; an edge tile computed whole into <paramref name="edge"/> (MR × NR), then its valid part
    /// merged with the same arithmetic as the full-tile store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int kc, T* panelA, T* panelB, int* rowOffsets, T* tile, int ldc, int rows, int cols, T alpha, T beta, T* edge)
    {
        int nr = NR;
        if (rows == MR && cols == nr)
        {
            MicroKernel(kc, panelA, panelB, rowOffsets, tile, ldc, alpha, beta);
            return;
        }
        MicroKernel(kc, panelA, panelB, rowOffsets, edge, nr, T.One, T.Zero);
        for (int r = 0; r < rows; r++)
        for (int q = 0; q < cols; q++)
        {
            T value = alpha * edge[r * nr + q];
            T* target = tile + (long)r * ldc + q;
            *target = beta == T.Zero ? value : value + beta * *target;
        }
    }

    /// <summary>Packs rows [pc, pc + kc) × columns [jr, jr + cols) of a gathered B operand as one panel (columns past
    /// cols read as zero). Columns come in runs of consecutive offsets (an image row), each copied by vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherPanel(OperandB<T> b, int pc, int kc, int jr, int cols, T* panel)
    {
        int nr = NR;
        int* runStart = stackalloc int[nr];
        int* runLength = stackalloc int[nr];
        int runs = 0;
        // Offsets increase along a panel, so a span of cols − 1 means one run (a whole image row): no scan.
        if (b.ColumnOffsets[jr + cols - 1] - b.ColumnOffsets[jr] == cols - 1)
        {
            runStart[0] = 0;
            runLength[0] = cols;
            runs = 1;
        }
        for (int q = runs == 1 ? cols : 0; q < cols; q++)
        {
            if (runs > 0 && b.ColumnOffsets[jr + q] == b.ColumnOffsets[jr + q - 1] + 1) runLength[runs - 1]++;
            else
            {
                runStart[runs] = q;
                runLength[runs++] = 1;
            }
        }
        // Runs of one length that is a whole number of vectors (image rows of 8, 16 or 32): vector copies, no tails.
        int width = UniformRunLength(runLength, runs);
        int step = Vector512.IsHardwareAccelerated && width % Vector512<T>.Count == 0 ? Vector512<T>.Count
            : Vector256.IsHardwareAccelerated && width % Vector256<T>.Count == 0 ? Vector256<T>.Count : 0;
        if (cols == nr && width > 0 && step > 0)
        {
            int* source = stackalloc int[runs];
            for (int r = 0; r < runs; r++) source[r] = b.ColumnOffsets[jr + runStart[r]];
            for (int p = 0; p < kc; p++, panel += nr)
            {
                T* row = b.Data + b.RowOffsets[pc + p];
                for (int r = 0; r < runs; r++)
                for (int t = 0; t < width; t += step)
                {
                    if (step == Vector512<T>.Count) Vector512.Store(Vector512.Load(row + source[r] + t), panel + r * width + t);
                    else Vector256.Store(Vector256.Load(row + source[r] + t), panel + r * width + t);
                }
            }
            return;
        }
        for (int p = 0; p < kc; p++, panel += nr)
        {
            T* row = b.Data + b.RowOffsets[pc + p];
            for (int r = 0; r < runs; r++)
                CopyShort(row + b.ColumnOffsets[jr + runStart[r]], panel + runStart[r], runLength[r]);
            for (int q = cols; q < nr; q++) panel[q] = T.Zero;
        }
    }

    /// <summary>The length every run shares, or 0 when they differ.</summary>
    private static int UniformRunLength(int* runLength, int runs)
    {
        for (int r = 1; r < runs; r++)
            if (runLength[r] != runLength[0]) return 0;
        return runLength[0];
    }

    /// <summary>dst[0..count) = src[0..count) for short runs (an image row of 4–32 elements): the widest vector that
    /// fits, then narrower ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort(T* src, T* dst, int count)
    {
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; t + Vector256<T>.Count <= count; t += Vector256<T>.Count) Vector256.Store(Vector256.Load(src + t), dst + t);
        if (Vector128.IsHardwareAccelerated)
            for (; t + Vector128<T>.Count <= count; t += Vector128<T>.Count) Vector128.Store(Vector128.Load(src + t), dst + t);
        for (; t < count; t++) dst[t] = src[t];
    }

    /// <summary>C[MR × NR] = alpha·(A panel · B panel) + beta·C; C is not read when beta is 0. Row p of the B panel
    /// starts at b + rowOffsets[p] (one extra scalar load per step, which lets the same kernel read packed panels
    /// and, for stride-1 convolutions, shifted rows of the padded image in place). Rows past
    /// TileRows fold away at JIT time, so one body serves every register file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(int kc, T* a, T* b, int* rowOffsets, T* c, int ldc, T alpha, T beta)
    {
        int lanes = TL.Count, mr = TL.TileRows;
        TV c00 = TL.Zero, c01 = TL.Zero, c10 = TL.Zero, c11 = TL.Zero, c20 = TL.Zero, c21 = TL.Zero, c30 = TL.Zero, c31 = TL.Zero;
        TV c40 = TL.Zero, c41 = TL.Zero, c50 = TL.Zero, c51 = TL.Zero, c60 = TL.Zero, c61 = TL.Zero, c70 = TL.Zero, c71 = TL.Zero;
        for (int p = 0; p < kc; p++)
        {
            T* row = b + rowOffsets[p];
            TV b0 = TL.Load(row), b1 = TL.Load(row + lanes);
            TV av = TL.Broadcast(a[0]); c00 = TL.MultiplyAdd(av, b0, c00); c01 = TL.MultiplyAdd(av, b1, c01);
            av = TL.Broadcast(a[1]); c10 = TL.MultiplyAdd(av, b0, c10); c11 = TL.MultiplyAdd(av, b1, c11);
            av = TL.Broadcast(a[2]); c20 = TL.MultiplyAdd(av, b0, c20); c21 = TL.MultiplyAdd(av, b1, c21);
            av = TL.Broadcast(a[3]); c30 = TL.MultiplyAdd(av, b0, c30); c31 = TL.MultiplyAdd(av, b1, c31);
            if (mr > 4)
            {
                av = TL.Broadcast(a[4]); c40 = TL.MultiplyAdd(av, b0, c40); c41 = TL.MultiplyAdd(av, b1, c41);
                av = TL.Broadcast(a[5]); c50 = TL.MultiplyAdd(av, b0, c50); c51 = TL.MultiplyAdd(av, b1, c51);
            }
            if (mr > 6)
            {
                av = TL.Broadcast(a[6]); c60 = TL.MultiplyAdd(av, b0, c60); c61 = TL.MultiplyAdd(av, b1, c61);
                av = TL.Broadcast(a[7]); c70 = TL.MultiplyAdd(av, b0, c70); c71 = TL.MultiplyAdd(av, b1, c71);
            }
            a += mr;
        }
        StoreRow(c, c00, c01, lanes, alpha, beta);
        StoreRow(c + ldc, c10, c11, lanes, alpha, beta);
        StoreRow(c + 2L * ldc, c20, c21, lanes, alpha, beta);
        StoreRow(c + 3L * ldc, c30, c31, lanes, alpha, beta);
        if (mr > 4)
        {
            StoreRow(c + 4L * ldc, c40, c41, lanes, alpha, beta);
            StoreRow(c + 5L * ldc, c50, c51, lanes, alpha, beta);
        }
        if (mr > 6)
        {
            StoreRow(c + 6L * ldc, c60, c61, lanes, alpha, beta);
            StoreRow(c + 7L * ldc, c70, c71, lanes, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, TV left, TV right, int lanes, T alpha, T beta)
    {
        if (alpha != T.One)
        {
            TV scale = TL.Broadcast(alpha);
            left = TL.Multiply(scale, left);
            right = TL.Multiply(scale, right);
        }
        if (beta != T.Zero)
        {
            TV keep = TL.Broadcast(beta);
            left = TL.Add(left, TL.Multiply(keep, TL.Load(c)));
            right = TL.Add(right, TL.Multiply(keep, TL.Load(c + lanes)));
        }
        TL.Store(c, left);
        TL.Store(c + lanes, right);
    }

    /// <summary>dst[0..count) = src[0..count), vector by vector.</summary>
    public static void Copy(T* src, T* dst, int count)
    {
        int t = 0, lanes = TL.Count;
        for (; t + lanes <= count; t += lanes) TL.Store(dst + t, TL.Load(src + t));
        if (t < count) CopyShort(src + t, dst + t, count - t);
    }

    /// <summary>dst = max(src, 0) (ReLU applied while staging a convolution's input), or a plain copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(T* src, T* dst, int count, bool rectify)
    {
        if (!rectify)
        {
            Copy(src, dst, count);
            return;
        }
        int t = 0, lanes = TL.Count;
        for (; t + lanes <= count; t += lanes) TL.Store(dst + t, TL.Max(TL.Load(src + t), TL.Zero));
        for (; t < count; t++) dst[t] = T.Max(src[t], T.Zero);
    }
    /// <summary>
    /// Dot products along the contiguous dimension of both operands: C[i, j] = Σ_t a_i[t]·b_j[t] (plus C's old value
    /// when <paramref name="accumulate"/>), for rows i &lt; m and columns j in [j0, j1), where a_i = a + i·lda and
    /// b_j = b + bRowOffsets[j]. The reduction over t runs lane-wise, then one fixed horizontal sum. <paramref name="length"/>
    /// is a multiple of the lane count (callers zero-pad). This is the weight-gradient GEMM, whose reduction (over
    /// pixels) is contiguous in both the output gradient and the image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotTiles(int m, int length, T* a, int lda, T* b, int* bRowOffsets, T* c, int ldc, bool accumulate, int j0, int j1)
    {
        int lanes = TL.Count, tileCols = DotTileColumns;
        for (int i = 0; i < m; i += 4)
        for (int j = j0; j < j1; j += tileCols)
        {
            int rows = Math.Min(4, m - i), cols = Math.Min(tileCols, j1 - j);
            // Rows and columns past the edge repeat the last valid one; their sums are not stored.
            T* a0 = a + (long)i * lda, a1 = a + (long)(i + Math.Min(1, rows - 1)) * lda;
            T* a2 = a + (long)(i + Math.Min(2, rows - 1)) * lda, a3 = a + (long)(i + Math.Min(3, rows - 1)) * lda;
            T* b0 = b + bRowOffsets[j], b1 = b + bRowOffsets[j + Math.Min(1, cols - 1)];
            T* b2 = b + bRowOffsets[j + Math.Min(2, cols - 1)], b3 = b + bRowOffsets[j + Math.Min(3, cols - 1)];
            TV s00 = TL.Zero, s01 = TL.Zero, s02 = TL.Zero, s03 = TL.Zero, s10 = TL.Zero, s11 = TL.Zero, s12 = TL.Zero, s13 = TL.Zero;
            TV s20 = TL.Zero, s21 = TL.Zero, s22 = TL.Zero, s23 = TL.Zero, s30 = TL.Zero, s31 = TL.Zero, s32 = TL.Zero, s33 = TL.Zero;
            for (int t = 0; t < length; t += lanes)
            {
                TV g0 = TL.Load(a0 + t), g1 = TL.Load(a1 + t), g2 = TL.Load(a2 + t), g3 = TL.Load(a3 + t);
                TV x0 = TL.Load(b0 + t), x1 = TL.Load(b1 + t);
                s00 = TL.MultiplyAdd(g0, x0, s00); s01 = TL.MultiplyAdd(g0, x1, s01);
                s10 = TL.MultiplyAdd(g1, x0, s10); s11 = TL.MultiplyAdd(g1, x1, s11);
                s20 = TL.MultiplyAdd(g2, x0, s20); s21 = TL.MultiplyAdd(g2, x1, s21);
                s30 = TL.MultiplyAdd(g3, x0, s30); s31 = TL.MultiplyAdd(g3, x1, s31);
                if (tileCols > 2)
                {
                    TV x2 = TL.Load(b2 + t), x3 = TL.Load(b3 + t);
                    s02 = TL.MultiplyAdd(g0, x2, s02); s03 = TL.MultiplyAdd(g0, x3, s03);
                    s12 = TL.MultiplyAdd(g1, x2, s12); s13 = TL.MultiplyAdd(g1, x3, s13);
                    s22 = TL.MultiplyAdd(g2, x2, s22); s23 = TL.MultiplyAdd(g2, x3, s23);
                    s32 = TL.MultiplyAdd(g3, x2, s32); s33 = TL.MultiplyAdd(g3, x3, s33);
                }
            }
            T* row = c + (long)i * ldc + j;
            StoreDots(row, cols, accumulate, s00, s01, s02, s03);
            if (rows > 1) StoreDots(row + ldc, cols, accumulate, s10, s11, s12, s13);
            if (rows > 2) StoreDots(row + 2L * ldc, cols, accumulate, s20, s21, s22, s23);
            if (rows > 3) StoreDots(row + 3L * ldc, cols, accumulate, s30, s31, s32, s33);
        }
    }

    /// <summary>Columns per dot tile: 4×4 accumulators plus 8 operands fit 32 registers; 4×2 fits 16.</summary>
    public static int DotTileColumns => TL.TileRows >= 8 ? 4 : 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDots(T* c, int cols, bool accumulate, TV s0, TV s1, TV s2, TV s3)
    {
        c[0] = accumulate ? c[0] + TL.Sum(s0) : TL.Sum(s0);
        if (cols > 1) c[1] = accumulate ? c[1] + TL.Sum(s1) : TL.Sum(s1);
        if (cols > 2) c[2] = accumulate ? c[2] + TL.Sum(s2) : TL.Sum(s2);
        if (cols > 3) c[3] = accumulate ? c[3] + TL.Sum(s3) : TL.Sum(s3);
    }

}

/// <summary>The B operand of <see cref="GemmCore{TL, TV, T}.Compute"/>: packed panels; rows read in place, row p of
/// the depth starting at Data + RowOffsets[p] with its columns contiguous (the implicit-GEMM form of a stride-1
/// convolution over a padded image; in-place rows must stay readable NR columns past the last column); or gathered,
/// element (p, j) at Data + RowOffsets[p] + ColumnOffsets[j], packed one panel at a time just before use (an implicit
/// GEMM whose columns are not evenly spaced, e.g. the pixels of a chunk of small images without their padding; the
/// column offsets strictly increase).</summary>
internal readonly unsafe struct OperandB<T> where T : unmanaged
{
    public readonly T* Data;
    public readonly int* RowOffsets;
    public readonly int* ColumnOffsets;

    private OperandB(T* data, int* rowOffsets, int* columnOffsets)
    {
        Data = data;
        RowOffsets = rowOffsets;
        ColumnOffsets = columnOffsets;
    }

    public static OperandB<T> Packed(T* panels) => new(panels, null, null);
    public static OperandB<T> InPlace(T* data, int* rowOffsets) => new(data, rowOffsets, null);
    public static OperandB<T> Gathered(T* data, int* rowOffsets, int* columnOffsets) => new(data, rowOffsets, columnOffsets);
}
