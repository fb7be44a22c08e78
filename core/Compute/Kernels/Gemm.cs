using System.Numerics;

namespace NasPS.Compute.Kernels;

/// <summary>General matrix multiply over row-major buffers: C = alpha·op(A)·op(B) + beta·C, op = identity or transpose.
/// Same determinism contract as <see cref="Conv2dKernel"/>: results do not depend on the degree of parallelism.</summary>
public static class Gemm
{
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            T acc = T.Zero;
            for (int p = 0; p < k; p++)
            {
                T av = transposeA ? a[p * lda + i] : a[i * lda + p];
                T bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                acc += av * bv;
            }
            T prior = beta == T.Zero ? T.Zero : beta * c[i * ldc + j];
            c[i * ldc + j] = alpha * acc + prior;
        }
    }
}
