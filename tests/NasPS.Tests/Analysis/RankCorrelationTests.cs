using NasPS.Analysis;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Analysis;

public class RankCorrelationTests
{
    private const double Exact = 1e-12;

    [Fact]
    public void OneSwapInThreeGivesTheTextbookValues()
    {
        double[] x = [1, 2, 3], y = [1, 3, 2];
        // ρ = 1 − 6Σd²/(n(n²−1)) = 1 − 12/24; τ = (2 concordant − 1 discordant) / 3.
        Assert.Equal(0.5, RankCorrelation.Spearman(x, y), Exact);
        Assert.Equal(1.0 / 3, RankCorrelation.KendallTauB(x, y), Exact);
    }

    [Fact]
    public void TiesUseAverageRanksAndTauBCorrection()
    {
        double[] x = [1, 1, 2, 3], y = [1, 2, 2, 3];
        // Ranks x: 1.5 1.5 3 4; y: 1 2.5 2.5 4. Centred products sum to 3.75, each sum of squares is 4.5.
        Assert.Equal(3.75 / 4.5, RankCorrelation.Spearman(x, y), Exact);
        // 4 concordant, 0 discordant, one pair tied in x, one tied in y, 6 pairs: 4 / sqrt(5·5).
        Assert.Equal(0.8, RankCorrelation.KendallTauB(x, y), Exact);
        Assert.Equal([1.5, 1.5, 3, 4], RankCorrelation.AverageRanks(x));
    }

    [Fact]
    public void ReversedOrderIsMinusOne()
    {
        double[] x = [5, 4, 3, 2, 1], y = [10, 20, 30, 40, 50];
        Assert.Equal(-1.0, RankCorrelation.Spearman(x, y), Exact);
        Assert.Equal(-1.0, RankCorrelation.KendallTauB(x, y), Exact);
    }

    [Fact]
    public void NaNPairsAreLeftOut()
    {
        double[] x = [1, double.NaN, 2, 3, 4], y = [1, 100, 3, double.NaN, 2];
        // What remains is x = 1 2 4, y = 1 3 2: the one-swap case.
        var agreement = RankCorrelation.Compare(x, y);
        Assert.Equal(3, agreement.Pairs);
        Assert.Equal(0.5, agreement.Spearman, Exact);
        Assert.Equal(1.0 / 3, agreement.KendallTauB, Exact);
    }

    [Fact]
    public void InfinitiesRankAsTiedExtremes()
    {
        double[] x = [double.NegativeInfinity, double.NegativeInfinity, 0, double.PositiveInfinity];
        double[] y = [1, 2, 2, 3];
        Assert.Equal([1.5, 1.5, 3, 4], RankCorrelation.AverageRanks(x));
        // Same ranks as TiesUseAverageRanksAndTauBCorrection.
        Assert.Equal(3.75 / 4.5, RankCorrelation.Spearman(x, y), Exact);
        Assert.Equal(0.8, RankCorrelation.KendallTauB(x, y), Exact);
    }

    [Fact]
    public void UndefinedStatisticsAreNaN()
    {
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(RankCorrelation.KendallTauB([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1], [2])));
        Assert.True(double.IsNaN(RankCorrelation.KendallTauB([double.NaN, 1], [1, 2])));
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var lengths = Assert.Throws<ArgumentException>(() => RankCorrelation.Spearman([1, 2], [1, 2, 3]));
        Assert.Contains("(2 and 3)", lengths.Message);
        var nan = Assert.Throws<ArgumentException>(() => RankCorrelation.AverageRanks([1, double.NaN]));
        Assert.Contains("Value 1 is NaN", nan.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RankCorrelation.TopKOverlap([1, 2, double.NaN], [1, 2, 3], 3));
    }

    [Fact]
    public void TopKOverlapCountsSharedLeaders()
    {
        double[] score = [0.9, 0.8, 0.1, 0.7, 0.2], truth = [50, 10, 40, 30, 20];
        // Top-2 by score {0, 1}, by truth {0, 2}: one shared. Top-3: {0, 1, 3} and {0, 2, 3}: two shared.
        Assert.Equal(0.5, RankCorrelation.TopKOverlap(score, truth, 2), Exact);
        Assert.Equal(2.0 / 3, RankCorrelation.TopKOverlap(score, truth, 3), Exact);
        Assert.Equal(1.0, RankCorrelation.TopKOverlap(score, truth, 5), Exact);
        // A tie at the cut goes to the earlier position: top-1 of [1, 1] is position 0.
        Assert.Equal(1.0, RankCorrelation.TopKOverlap([1, 1], [2, 1], 1), Exact);
        Assert.Equal(0.0, RankCorrelation.TopKOverlap([1, 1], [1, 2], 1), Exact);
    }

    /// <summary>The O(n log n) paths against the definitions counted pair by pair, on data full of ties,
    /// infinities and NaN.</summary>
    [Theory]
    [InlineData(1UL, 40, 5)]
    [InlineData(2UL, 300, 12)]
    [InlineData(3UL, 513, 100)]
    [InlineData(4UL, 12, 3)]
    public void AgreesWithPairByPairDefinitions(ulong seed, int n, int levels)
    {
        var rng = new Rng(seed);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Draw(rng, levels);
            // Half the y values follow x, so the correlations are far from 0.
            y[i] = double.IsFinite(x[i]) && rng.NextDouble() < 0.5 ? x[i] + rng.NextInt(3) : Draw(rng, levels);
        }

        var agreement = RankCorrelation.Compare(x, y);
        var (expectedRho, expectedTau, pairs) = BruteForce(x, y);
        Assert.Equal(pairs, agreement.Pairs);
        Assert.Equal(expectedRho, agreement.Spearman, 1e-10);
        Assert.Equal(expectedTau, agreement.KendallTauB, 1e-10);
    }

    private static double Draw(Rng rng, int levels)
    {
        double u = rng.NextDouble();
        if (u < 0.03) return double.NaN;
        if (u < 0.06) return double.NegativeInfinity;
        if (u < 0.08) return double.PositiveInfinity;
        return rng.NextInt(levels);
    }

    private static (double Rho, double Tau, int Pairs) BruteForce(double[] x, double[] y)
    {
        var keep = Enumerable.Range(0, x.Length).Where(i => !double.IsNaN(x[i]) && !double.IsNaN(y[i])).ToArray();
        double[] a = keep.Select(i => x[i]).ToArray(), b = keep.Select(i => y[i]).ToArray();
        int n = a.Length;

        // Rank = number below + (number equal + 1) / 2.
        double[] Rank(double[] v) => v.Select(t => v.Count(s => s < t) + (v.Count(s => s == t) + 1) / 2.0).ToArray();
        double[] ra = Rank(a), rb = Rank(b);
        double ma = ra.Average(), mb = rb.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        double rho = sab / Math.Sqrt(saa * sbb);

        long concordant = 0, discordant = 0, untiedA = 0, untiedB = 0;
        for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
        {
            int sa = a[i].CompareTo(a[j]), sb = b[i].CompareTo(b[j]);
            if (sa != 0) untiedA++;
            if (sb != 0) untiedB++;
            if (sa * sb > 0) concordant++;
            else if (sa * sb < 0) discordant++;
        }
        double tau = (concordant - discordant) / Math.Sqrt((double)untiedA * untiedB);
        return (rho, tau, n);
    }
}
