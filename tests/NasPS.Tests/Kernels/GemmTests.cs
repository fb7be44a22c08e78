using System.Numerics;
using NasPS.Compute.Kernels;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Kernels;

public class GemmTests
{
    // m, n, k: edge tiles, several k-blocks (KC = 256), several row blocks (MC = 96), a column block edge (NC).
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 6, 32, 5 }, { 7, 33, 17 }, { 13, 70, 300 }, { 100, 45, 64 }, { 5, 4100, 3 }, { 97, 65, 300 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesReferenceOnEveryPathFloat(int m, int n, int k) => CheckAllPaths<float>(m, n, k);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesReferenceOnEveryPathDouble(int m, int n, int k) => CheckAllPaths<double>(m, n, k);

    private static void CheckAllPaths<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng((ulong)(m * 1000003 + n * 1009 + k));
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (0.5, 1.0), (-2.0, 0.25) })
        {
            // Padded leading dimensions catch a kernel that assumes packed rows.
            int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
            var (a, ax) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, (long)(ta ? k : m) * lda));
            var (b, bx) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, (long)(tb ? n : k) * ldb));
            var (c0, cx) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, (long)m * ldc));
            if (beta == 0) Array.Fill(c0, T.NaN); // beta = 0 must ignore C's old contents, NaN included
            var (expected, magnitude) = ReferenceConv.Gemm(ta, tb, m, n, k, alpha, ax, lda, bx, ldb, beta, cx, ldc);
            foreach (var path in KernelTestData.Paths())
            {
                var c = (T[])c0.Clone();
                using (KernelPaths.Force(path))
                    Gemm.Multiply(ta, tb, m, n, k, T.CreateChecked(alpha), a, lda, b, ldb, T.CreateChecked(beta), c, ldc);
                for (int i = 0; i < m; i++)
                    KernelTestData.AssertClose<T>(c.AsSpan(i * ldc, n), expected[(i * ldc)..(i * ldc + n)], magnitude[(i * ldc)..(i * ldc + n)], k,
                        $"GEMM {path} {typeof(T).Name} m={m} n={n} k={k} tA={ta} tB={tb} alpha={alpha} beta={beta}, row {i}");
                // Entries between rows (past n) are outside C and must be untouched.
                for (int i = 0; i < m; i++)
                for (int j = n; j < ldc; j++)
                    Assert.Equal(double.CreateChecked(c0[i * ldc + j]), double.CreateChecked(c[i * ldc + j]));
            }
        }
    }

    [Fact]
    public void ZeroDepthScalesC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Multiply(false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2, 0.5f, c, 2);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2 }, c);
    }

    [Fact]
    public void TooShortOperandIsNamed()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 3, 3, 3, 1.0, new double[8], 3, new double[9], 3, 0.0, new double[9], 3));
        Assert.Contains("A holds 8", ex.Message);
    }
}
