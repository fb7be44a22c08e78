using System.Numerics;
using System.Runtime.Intrinsics;

namespace NasPS.Compute.Kernels;

/// <summary>General matrix multiply over row-major buffers: C = alpha·op(A)·op(B) + beta·C, op = identity or transpose.
/// Same determinism contract as <see cref="Conv2dKernel"/>: results do not depend on the degree of parallelism.</summary>
public static class Gemm
{
    public static unsafe void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm: negative size m={m}, n={n}, k={k}.");
        CheckOperand("A", a.Length, transposeA ? k : m, transposeA ? m : k, lda);
        CheckOperand("B", b.Length, transposeB ? n : k, transposeB ? k : n, ldb);
        CheckOperand("C", c.Length, m, n, ldc);
        fixed (T* pa = a) fixed (T* pb = b) fixed (T* pc = c)
        {
            switch (KernelPaths.For<T>())
            {
                case KernelPath.Avx512:
                    GemmCore<Lanes512<T>, Vector512<T>, T>.Parallel(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
                case KernelPath.Avx2:
                    GemmCore<Lanes256<T>, Vector256<T>, T>.Parallel(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
                default:
                    GemmCore<LanesScalar<T>, T, T>.Parallel(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
            }
        }
    }

    private static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"Gemm: leading dimension of {name} ({ld}) is smaller than its row length ({cols}).");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"Gemm: {name} holds {length} elements but a {rows}×{cols} matrix with leading dimension {ld} needs {needed}.");
    }
}

/// <summary>Packed, cache-blocked GEMM (the BLIS loop nest) around a register-tiled micro-kernel of
/// <see cref="MR"/> rows × two vectors. Every C element is the same sequence of fused multiply-adds over k,
/// in k-blocks of <see cref="KC"/>, whatever the tiling of m and n or the thread that runs it.</summary>
internal static unsafe class GemmCore<TL, TV, T>
    where TL : struct, ILanes<TV, T>
    where TV : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int MR = 6;
    private const int KC = 256;
    private const int MC = 16 * MR;
    private static int NR => 2 * TL.Count;
    private static int NC => 128 * NR;

    /// <summary>Splits C into column (or row) strips, one per thread, each run by <see cref="Serial"/>.</summary>
    public static void Parallel(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
    {
        long flops = (long)m * n * k;
        int degree = flops < 64 * 1024 ? 1 : Parallelism.Degree;
        int colTiles = (n + NR - 1) / NR, rowTiles = (m + MR - 1) / MR;
        // Strips start on tile boundaries, so the tiling (and every result) equals the single-thread run.
        bool byColumns = colTiles >= rowTiles;
        int tiles = byColumns ? colTiles : rowTiles;
        int strips = Math.Min(degree, tiles);
        if (strips <= 1)
        {
            Serial(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        Parallelism.For(strips, s =>
        {
            int first = (int)((long)tiles * s / strips), last = (int)((long)tiles * (s + 1) / strips);
            T* sa = (T*)pa, sb = (T*)pb, sc = (T*)pc;
            if (byColumns)
            {
                int j0 = first * NR, j1 = Math.Min(n, last * NR);
                Serial(transposeA, transposeB, m, j1 - j0, k, alpha, sa, lda, transposeB ? sb + (long)j0 * ldb : sb + j0, ldb, beta, sc + j0, ldc);
            }
            else
            {
                int i0 = first * MR, i1 = Math.Min(m, last * MR);
                Serial(transposeA, transposeB, i1 - i0, n, k, alpha, transposeA ? sa + i0 : sa + (long)i0 * lda, lda, sb, ldb, beta, sc + (long)i0 * ldc, ldc);
            }
        });
    }

    /// <summary>The whole product on the calling thread.</summary>
    public static void Serial(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        int nr = NR;
        T* packA = Scratch<T>.PackA((long)MC * KC);
        T* packB = Scratch<T>.PackB((long)NC * KC);
        T* edge = stackalloc T[MR * 2 * 64];
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                T betaBlock = pc == 0 ? beta : T.One;
                PackB(transposeB, kc, nc, transposeB ? b + (long)jc * ldb + pc : b + (long)pc * ldb + jc, ldb, packB);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    PackA(transposeA, mc, kc, transposeA ? a + (long)pc * lda + ic : a + (long)ic * lda + pc, lda, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        T* panelB = packB + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            int rows = Math.Min(MR, mc - ir);
                            T* panelA = packA + (long)ir * kc;
                            T* tile = c + (long)(ic + ir) * ldc + jc + jr;
                            if (rows == MR && cols == nr)
                            {
                                MicroKernel(kc, panelA, panelB, tile, ldc, alpha, betaBlock);
                            }
                            else
                            {
                                // Edge tile: compute the full tile into a buffer, then merge the valid part with
                                // the same arithmetic as the full-tile store.
                                MicroKernel(kc, panelA, panelB, edge, nr, T.One, T.Zero);
                                for (int r = 0; r < rows; r++)
                                for (int q = 0; q < cols; q++)
                                {
                                    T value = alpha * edge[r * nr + q];
                                    T* target = tile + (long)r * ldc + q;
                                    *target = betaBlock == T.Zero ? value : value + betaBlock * *target;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void ScaleC(int m, int n, T beta, T* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            c[(long)i * ldc + j] = beta == T.Zero ? T.Zero : beta * c[(long)i * ldc + j];
    }

    /// <summary>op(A)[0..mc, 0..kc] into panels of MR rows: panel[p·MR + r], rows past mc zero.</summary>
    private static void PackA(bool transposed, int mc, int kc, T* a, int lda, T* dst)
    {
        for (int i0 = 0; i0 < mc; i0 += MR)
        {
            int rows = Math.Min(MR, mc - i0);
            if (transposed)
            {
                for (int p = 0; p < kc; p++)
                {
                    T* src = a + (long)p * lda + i0;
                    int r = 0;
                    for (; r < rows; r++) dst[r] = src[r];
                    for (; r < MR; r++) dst[r] = T.Zero;
                    dst += MR;
                }
            }
            else
            {
                for (int r = 0; r < MR; r++)
                {
                    T* d = dst + r;
                    if (r < rows)
                    {
                        T* src = a + (long)(i0 + r) * lda;
                        for (int p = 0; p < kc; p++) d[p * MR] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * MR] = T.Zero;
                    }
                }
                dst += (long)kc * MR;
            }
        }
    }

    /// <summary>op(B)[0..kc, 0..nc] into panels of NR columns: panel[p·NR + q], columns past nc zero.</summary>
    private static void PackB(bool transposed, int kc, int nc, T* b, int ldb, T* dst)
    {
        int nr = NR, lanes = TL.Count;
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            if (transposed)
            {
                for (int q = 0; q < nr; q++)
                {
                    T* d = dst + q;
                    if (q < cols)
                    {
                        T* src = b + (long)(j0 + q) * ldb;
                        for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * nr] = T.Zero;
                    }
                }
            }
            else if (cols == nr)
            {
                T* src = b + j0;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    TL.Store(dst + p * nr, TL.Load(src));
                    TL.Store(dst + p * nr + lanes, TL.Load(src + lanes));
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* src = b + (long)p * ldb + j0;
                    T* d = dst + p * nr;
                    int q = 0;
                    for (; q < cols; q++) d[q] = src[q];
                    for (; q < nr; q++) d[q] = T.Zero;
                }
            }
            dst += (long)kc * nr;
        }
    }

    /// <summary>C[MR × NR] = alpha·(A panel · B panel) + beta·C, with C untouched (not read) when beta is 0.</summary>
    private static void MicroKernel(int kc, T* a, T* b, T* c, int ldc, T alpha, T beta)
    {
        int lanes = TL.Count;
        TV c00 = TL.Zero, c01 = TL.Zero, c10 = TL.Zero, c11 = TL.Zero, c20 = TL.Zero, c21 = TL.Zero;
        TV c30 = TL.Zero, c31 = TL.Zero, c40 = TL.Zero, c41 = TL.Zero, c50 = TL.Zero, c51 = TL.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = TL.Load(b), b1 = TL.Load(b + lanes);
            TV av = TL.Broadcast(a[0]); c00 = TL.MultiplyAdd(av, b0, c00); c01 = TL.MultiplyAdd(av, b1, c01);
            av = TL.Broadcast(a[1]); c10 = TL.MultiplyAdd(av, b0, c10); c11 = TL.MultiplyAdd(av, b1, c11);
            av = TL.Broadcast(a[2]); c20 = TL.MultiplyAdd(av, b0, c20); c21 = TL.MultiplyAdd(av, b1, c21);
            av = TL.Broadcast(a[3]); c30 = TL.MultiplyAdd(av, b0, c30); c31 = TL.MultiplyAdd(av, b1, c31);
            av = TL.Broadcast(a[4]); c40 = TL.MultiplyAdd(av, b0, c40); c41 = TL.MultiplyAdd(av, b1, c41);
            av = TL.Broadcast(a[5]); c50 = TL.MultiplyAdd(av, b0, c50); c51 = TL.MultiplyAdd(av, b1, c51);
            a += MR;
            b += 2 * lanes;
        }
        StoreRow(c, c00, c01, lanes, alpha, beta);
        StoreRow(c + ldc, c10, c11, lanes, alpha, beta);
        StoreRow(c + 2L * ldc, c20, c21, lanes, alpha, beta);
        StoreRow(c + 3L * ldc, c30, c31, lanes, alpha, beta);
        StoreRow(c + 4L * ldc, c40, c41, lanes, alpha, beta);
        StoreRow(c + 5L * ldc, c50, c51, lanes, alpha, beta);
    }

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
}
