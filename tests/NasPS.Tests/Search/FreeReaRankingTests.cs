using NasPS.Search;
using Xunit;

namespace NasPS.Tests.Search;

public class FreeReaRankingTests
{
    [Fact]
    public void SumsMaxAbsNormalisedMetrics()
    {
        double[][] values = [[2, -4], [1, 8], [-4, 0]];
        var scores = FreeReaRanking.Aggregate(values);
        Assert.Equal(2 / (4 + 1e-9) + -4 / (8 + 1e-9), scores[0], 15);
        Assert.Equal(1 / (4 + 1e-9) + 8 / (8 + 1e-9), scores[1], 15);
        Assert.Equal(-4 / (4 + 1e-9) + 0, scores[2], 15);
        Assert.Equal([1, 0, 2], FreeReaRanking.OrderBestFirst(values));
    }

    [Fact]
    public void TiesKeepListOrder()
    {
        double[][] values = [[1], [3], [1], [3]];
        Assert.Equal([1, 3, 0, 2], FreeReaRanking.OrderBestFirst(values));
    }

    [Fact]
    public void NonFiniteValuesRankAsTheSetMinimum()
    {
        double[][] values = [[double.NegativeInfinity, 1], [5, 1], [double.NaN, 2], [3, 1]];
        var scores = FreeReaRanking.Aggregate(values);
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        Assert.Equal(3 / (5 + 1e-9) + 1 / (2 + 1e-9), scores[0], 15); // -inf counts as 3, the smallest finite value
        Assert.Equal(scores[0] + 1 / (2 + 1e-9), scores[2], 15);
        double[][] allInfinite = [[double.NegativeInfinity], [double.NaN]];
        Assert.Equal([0.0, 0.0], FreeReaRanking.Aggregate(allInfinite));
    }
}
