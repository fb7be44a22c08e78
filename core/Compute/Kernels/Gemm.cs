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
                    GemmCore<Lanes512<T>, Vector512<T>, T>.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
                case KernelPath.Avx2:
                    GemmCore<Lanes256<T>, Vector256<T>, T>.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
                default:
                    GemmCore<LanesScalar<T>, T, T>.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
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

