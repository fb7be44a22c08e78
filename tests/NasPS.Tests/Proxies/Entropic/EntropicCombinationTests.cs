using NasPS.Proxies.Entropic;
using Xunit;

namespace NasPS.Tests.Proxies.Entropic;

public class EntropicCombinationTests
{
    [Fact]
    public void MaxAbsNormalisedSumHandWorked()
    {
        // Entropic max |x| = 4, LogSynflow max |x| = 200: (1/4 + 200/200, 2/4 + 50/200, 4/4 + 100/200).
        var combined = EntropicCombination.MaxAbsNormalisedSum([1, 2, 4], [200, 50, 100]);
        Assert.Equal([1.25, 0.75, 1.5], combined);
    }

    [Fact]
    public void MaxAbsNormalisationUsesTheAbsoluteValue()
    {
        // A negative value with the largest magnitude sets the scale: max |x| = 8.
        var combined = EntropicCombination.MaxAbsNormalisedSum([-8, 4], [1, 1]);
        Assert.Equal([0.0, 1.5], combined);
    }

    [Fact]
    public void RankSumHandWorkedWithTies()
    {
        // Entropic ranks (1, 2.5, 2.5), LogSynflow ranks (3, 1, 2).
        var combined = EntropicCombination.RankSum([0.1, 0.7, 0.7], [9, 1, 5]);
        Assert.Equal([4.0, 3.5, 4.5], combined);
    }

    [Fact]
    public void RejectsMismatchedEmptyNonFiniteAndAllZeroInputs()
    {
        Assert.Throws<ArgumentException>(() => EntropicCombination.MaxAbsNormalisedSum([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => EntropicCombination.RankSum([], []));
        Assert.Throws<ArgumentException>(() => EntropicCombination.MaxAbsNormalisedSum([1, double.NegativeInfinity], [1, 2]));
        Assert.Throws<ArgumentException>(() => EntropicCombination.MaxAbsNormalisedSum([0, 0], [1, 2]));
    }
}
