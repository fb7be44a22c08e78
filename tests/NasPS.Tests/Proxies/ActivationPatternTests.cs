using NasPS.Compute;
using NasPS.Proxies;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Proxies;

public class ActivationPatternTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(24)]
    [InlineData(65)]
    [InlineData(203)]
    public void PackingMatchesTheScalarDefinition(int length)
    {
        var rng = new Rng(5);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = rng.NextInt(3) switch { 0 => 0f, 1 => -1.5f, _ => (float)rng.NextDouble() + 1e-3f };
        values[0] = -0f; // −0 is not positive
        var words = Enumerable.Repeat(ulong.MaxValue, (length + 63) / 64 + 1).ToArray(); // stale bits must be cleared
        ActivationPatterns.PackPositive<float>(values, words);
        for (int i = 0; i < length; i++)
            Assert.Equal(values[i] > 0, ((words[i / 64] >> (i % 64)) & 1) == 1);
        for (int i = length; i < 64 * ((length + 63) / 64); i++) Assert.Equal(0UL, (words[i / 64] >> (i % 64)) & 1);
    }

    [Fact]
    public void NaswotKernelCountsAgreementsAcrossTensors()
    {
        // Codes (ReLU outputs > 0) of 3 images: a = 1100 | 10, b = 1010 | 10, c = 0000 | 01.
        var first = Tensors.FromArray<float>([1, 2, 0, -1, 3, 0, 5, 0, 0, 0, 0, -2], 3, 1, 2, 2);
        var second = Tensors.FromArray<float>([1, 0, 4, 0, 0, 7], 3, 2, 1, 1);
        var kernel = new NaswotKernel(3);
        kernel.Add(first);
        kernel.Add(second);
        Assert.Equal(6, kernel.Units);
        long[,] expected = { { 6, 4, 2 }, { 4, 6, 2 }, { 2, 2, 6 } };
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            Assert.Equal(expected[i, j], kernel[i, j]);
        // det [[6,4,2],[4,6,2],[2,2,6]] = 6·32 − 4·20 + 2·(−4) = 104.
        Assert.Equal(Math.Log(104), kernel.LogAbsDeterminant(), 12);
    }

    /// <summary>Codes that differ in every bit over many vectors: the per-byte counts the vector path adds up before
    /// widening them must not overflow (8 per byte per step).</summary>
    [Fact]
    public void OppositeCodesDisagreeEverywhere()
    {
        const int units = 64 * 8 * 40 + 64 * 3;
        var values = new float[2 * units];
        for (int u = 0; u < units; u++) (values[u], values[units + u]) = (1f, -1f);
        var kernel = new NaswotKernel(2);
        kernel.Add(Tensors.FromArray<float>(values, 2, units));
        Assert.Equal(0, kernel[0, 1]);
        Assert.Equal(units, kernel[0, 0]);
    }

    /// <summary>The kernel's Hamming counts (the machine's vector path — AVX-512BW per 8 words here, AVX2 per 4 on machines
    /// without it — and the scalar tail) and its parallel row split against the definition, on unit counts around the
    /// word and vector boundaries and an odd batch.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(300)]
    [InlineData(511)]
    [InlineData(513)]
    [InlineData(2049)]
    [InlineData(20000)]
    public void NaswotKernelEqualsTheDefinition_AcrossWordAndVectorBoundaries(int units)
    {
        const int batch = 9;
        var rng = new Rng((ulong)units);
        var values = new float[batch * units];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() < 0.5 ? -1f : 1f;
        var kernel = new NaswotKernel(batch);
        kernel.Add(Tensors.FromArray<float>(values, batch, units));
        for (int i = 0; i < batch; i++)
        for (int j = 0; j < batch; j++)
        {
            long agree = 0;
            for (int u = 0; u < units; u++) agree += (values[i * units + u] > 0) == (values[j * units + u] > 0) ? 1 : 0;
            Assert.Equal(agree, kernel[i, j]);
        }
    }

    /// <summary>A tensor added again (a ReLUConvBN block and its ReLU see one input; a node feeds several edges) is read
    /// once while it is among the last few distinct ones and counted every time, also after it has been forgotten. The
    /// result equals adding distinct copies.</summary>
    [Fact]
    public void RepeatedTensorCountsAsOftenAsAdded()
    {
        var rng = new Rng(5);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var arrays = new[] { 70, 9, 33, 5, 64, 17 }.Select(units => Values(4 * units)).ToArray();
        var tensors = arrays.Select(v => Tensors.FromArray<float>(v, 4, v.Length / 4)).ToArray();
        // a a b a c d e f a b (a forgotten by then) …
        int[] order = [0, 0, 1, 0, 2, 3, 4, 5, 0, 1, 1, 5, 2];
        var reused = new NaswotKernel(4);
        foreach (int t in order) reused.Add(tensors[t]);
        var copies = new NaswotKernel(4);
        foreach (int t in order) copies.Add(Tensors.FromArray<float>((float[])arrays[t].Clone(), 4, arrays[t].Length / 4));
        Assert.Equal(order.Sum(t => (long)arrays[t].Length / 4), reused.Units);
        Assert.Equal(copies.Units, reused.Units);
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            Assert.Equal(copies[i, j], reused[i, j]);
        Assert.Equal(copies.LogAbsDeterminant(), reused.LogAbsDeterminant());
    }

    /// <summary>A disposed kernel's arrays go to the next kernel of the same batch made on the thread: it starts from zero,
    /// forgets the tensors the old one remembered, and the old one refuses to be used.</summary>
    [Fact]
    public void ANewKernelReusesADisposedOnesArraysFromZero()
    {
        var rng = new Rng(6);
        Tensor<float> Random(int units) => Tensors.FromArray<float>(Enumerable.Range(0, 4 * units).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), 4, units);
        var a = Random(100);
        var b = Random(70);
        var old = new NaswotKernel(4);
        old.Add(a);
        old.Add(b);
        old.Dispose();
        Assert.Throws<ObjectDisposedException>(() => old.Add(a));
        Assert.Throws<ObjectDisposedException>(() => old[0, 1]);
        var reused = new NaswotKernel(4);   // takes the old one's arrays
        reused.Add(b);
        reused.Add(a);                      // the same tensor object: not taken from the old kernel's memory
        var fresh = new NaswotKernel(4);    // the spare is gone: new arrays
        fresh.Add(b);
        fresh.Add(Tensors.FromArray<float>(a.ToArray(), 4, 100));
        Assert.Equal(fresh.Units, reused.Units);
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            Assert.Equal(fresh[i, j], reused[i, j]);
        reused.Dispose();
        using var otherBatch = new NaswotKernel(3);  // a different batch size does not take them
        Assert.Equal(0, otherBatch[1, 2]);
    }

    [Fact]
    public void IdenticalCodesGiveASingularKernelAndMinusInfinity()
    {
        var kernel = new NaswotKernel(2);
        kernel.Add(Tensors.FromArray<float>([1, 0, 2, 1, 0, 2], 2, 3, 1, 1));
        Assert.Equal(3, kernel[0, 1]);
        Assert.Equal(double.NegativeInfinity, kernel.LogAbsDeterminant());
    }

    [Fact]
    public void ExactSingularityIsDecidedWhereFloatingPointIsNot()
    {
        // Rank 2 of 3 (row 3 = row 1 + row 2) with entries large enough that LU leaves a rounding-sized pivot.
        long a = 9_999_991, b = 7_777_777, c = 3_141_593;
        long[] m = [a * a + b * b, a * c, (a * a + b * b) + a * c, a * c, c * c + 1, a * c + c * c + 1, 0, 0, 0];
        for (int j = 0; j < 3; j++) m[6 + j] = m[j] + m[3 + j];
        Assert.True(LinearAlgebra.IsSingularModulo(m, 3, (1UL << 61) - 1));
        Assert.Equal(double.NegativeInfinity, LinearAlgebra.LogAbsDeterminant(m, 3));
        m[8] += 1; // now det = det of the leading 2×2 minor ≠ 0
        Assert.False(LinearAlgebra.IsSingularModulo(m, 3, (1UL << 61) - 1));
        Assert.True(double.IsFinite(LinearAlgebra.LogAbsDeterminant(m, 3)));
    }

    [Theory]
    [InlineData(16, 15)]
    [InlineData(16, 16)]
    [InlineData(40, 37)]
    [InlineData(40, 40)]
    public void ModularEliminationFindsTheRankOfLargeIntegerMatrices(int n, int rank)
    {
        // A = U·V with U n×rank and V rank×n of large integers (entries up to ~10¹³, so the field arithmetic wraps
        // constantly): singular exactly when rank < n (a random full-rank product is singular with negligible chance).
        var rng = new NasPS.Randomness.Rng((ulong)(n * 100 + rank));
        long Draw() => (long)(rng.NextDouble() * 2_000_000) - 1_000_000;
        var u = new long[n * rank];
        var v = new long[rank * n];
        for (int i = 0; i < u.Length; i++) u[i] = Draw();
        for (int i = 0; i < v.Length; i++) v[i] = Draw();
        var a = new long[n * n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        for (int k = 0; k < rank; k++) a[i * n + j] += u[i * rank + k] * v[k * n + j];
        Assert.Equal(rank < n, LinearAlgebra.IsSingularModulo(a, n, (1UL << 61) - 1));
        Assert.Equal(rank < n, LinearAlgebra.IsSingularModulo(a, n, 1_000_000_007));
        Assert.Equal(rank < n, LinearAlgebra.IsSingularModulo(a, n, (1UL << 31) - 1));
        Assert.Equal(rank < n, double.IsNegativeInfinity(LinearAlgebra.LogAbsDeterminant(a, n)));
    }

    [Fact]
    public void LuLogDeterminantOfAKnownMatrix()
    {
        // det [[0, 2, 1], [3, 1, 0], [1, 1, 4]] = 0·4 − 2·12 + 1·2 = −22: the zero leading entry needs a row swap.
        Assert.Equal(Math.Log(22), LinearAlgebra.LogAbsDeterminant([0, 2, 1, 3, 1, 0, 1, 1, 4], 3), 12);
    }

    [Fact]
    public void JacobiEigenvaluesOfAKnownSymmetricMatrix()
    {
        // [[2, 1, 0], [1, 2, 1], [0, 1, 2]] has eigenvalues 2 − √2, 2, 2 + √2.
        var eigen = LinearAlgebra.SymmetricEigenvalues([2, 1, 0, 1, 2, 1, 0, 1, 2], 3);
        Assert.Equal(2 - Math.Sqrt(2), eigen[0], 12);
        Assert.Equal(2, eigen[1], 12);
        Assert.Equal(2 + Math.Sqrt(2), eigen[2], 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SwapCountsDistinctSampleWisePatternsOverAllTensors(bool wide)
    {
        // 3 samples; units' patterns (bit s = sample s positive): tensor 1: 101, 101, 000, 111; tensor 2: 101, 010.
        // Distinct: 101, 000, 111, 010 → 4. "wide" pads each sample with 20 more samples of zeros in the hash-set path.
        int samples = wide ? 23 : 3;
        var first = new float[samples * 4];
        var second = new float[samples * 2];
        float[][] rows1 = [[1, 1, 0, 1], [0, 0, -1, 2], [3, 4, 0, 5]];
        float[][] rows2 = [[1, 0], [0, 1], [2, 0]];
        for (int s = 0; s < 3; s++)
        {
            rows1[s].CopyTo(first, s * 4);
            rows2[s].CopyTo(second, s * 2);
        }
        var set = new SwapPatternSet(samples);
        set.Add(Tensors.FromArray<float>(first, samples, 4, 1, 1));
        set.Add(Tensors.FromArray<float>(second, samples, 2, 1, 1));
        Assert.Equal(4, set.Count);
        Assert.Equal(6, set.Units);
    }

    [Fact]
    public void SwapRegulariserFollowsTheOfficialFormula()
    {
        // Θ = 250 thousand parameters, μ = 200, σ = 2500: exp(−50²/2500) = e⁻¹.
        Assert.Equal(1000 * Math.Exp(-1), SwapScore.Regularise(1000, 250_000, 200, 2500), 9);
        Assert.Equal(1000, SwapScore.Regularise(1000, 200_000, 200, 2500), 9);
    }
}
