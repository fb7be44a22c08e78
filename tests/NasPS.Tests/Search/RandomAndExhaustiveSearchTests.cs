using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;
using Xunit.Abstractions;

namespace NasPS.Tests.Search;

public class RandomAndExhaustiveSearchTests(ITestOutputHelper output)
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;

    [Theory]
    [InlineData(Dataset.Cifar10)]
    [InlineData(Dataset.Cifar100)]
    [InlineData(Dataset.ImageNet16_120)]
    public void ExhaustiveFreeReaScoreOverTheWholeSpacePeaksAtIndex9930(Dataset dataset)
    {
        // Spec §5.1: NASWOT + LogSynflow + skip, normalised over all 15,625 architectures, is highest at index 9930.
        var result = ExhaustiveSearch.Run(Space, FreeReaMetrics.CachedNb201(Nb201Tables.Cached, dataset),
            new ExhaustiveSearchOptions { Constraints = new SearchConstraints { Dataset = dataset } }, new SearchRunOptions { Benchmark = Nb201Tables.Benchmark });
        Assert.Equal(15625, result.History.Count);
        Assert.Equal(9930, result.Best.Index);
        Assert.Equal(Nb201Tables.Benchmark.TestAccuracy(9930, dataset), result.Best.TestAccuracy);
    }

    [Fact]
    public void ExhaustiveSearchScoresExactlyTheFeasibleArchitectures()
    {
        const long maxParams = 500_000;
        var table = Nb201Tables.Benchmark;
        int feasible = table.Column("cifar10_params_mb").Count(mb => Math.Round(mb * 1e6) <= maxParams);
        var result = ExhaustiveSearch.Run(Space, new ArchitectureMetricScorer("convs", g => ((Nb201Genome)g).Count(Nb201Op.Conv3x3)),
            new ExhaustiveSearchOptions { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10, MaxParameters = maxParams }, BatchSize = 1000 });
        Assert.Equal(feasible, result.History.Count);
        Assert.All(result.History, r => Assert.True(r.Parameters <= maxParams));
        // The first enumerated architecture with the most 3×3 convolutions that fits.
        int most = result.History.Max(r => (int)r.Scores["convs"]);
        Assert.Equal(result.History.First(r => r.Scores["convs"] == most).Architecture, result.Best.Architecture);
    }

    [Fact]
    public void RandomSearchReturnsTheBestOfItsSampleDeterministically()
    {
        var scorer = new CachedMetricScorer(Nb201Tables.Cached, Space, Dataset.Cifar10, [CachedMetric.FreeReaNaswot]);
        var options = new RandomSearchOptions { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10 }, Samples = 100, Seed = 9 };
        var a = RandomSearch.Run(Space, scorer, options);
        var b = RandomSearch.Run(Space, scorer, options);
        SearchTestKit.AssertSameSearch(a, b);
        Assert.InRange(a.History.Count, 95, 100);
        Assert.Equal(a.History.Max(r => r.Scores["naswot"]), a.Best.Scores["naswot"]);
        Assert.NotEqual(a.History.Select(r => r.Architecture), RandomSearch.Run(Space, scorer, options with { Seed = 10 }).History.Select(r => r.Architecture));
    }

    [Fact]
    public void RandomSearchByNaswotBeatsRandomArchitectures()
    {
        // NASWOT's protocol, N = 100, 30 runs on cached FreeREA NASWOT (CIFAR-10): a proxy that carries signal picks far
        // better than the space's mean accuracy.
        var scorer = new CachedMetricScorer(Nb201Tables.Cached, Space, Dataset.Cifar10, [CachedMetric.FreeReaNaswot]);
        var run = new SearchRunOptions { Benchmark = Nb201Tables.Benchmark };
        var picked = Enumerable.Range(0, 30).Select(seed => RandomSearch.Run(Space, scorer,
            new RandomSearchOptions { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10 }, Seed = (ulong)seed }, run).Best.TestAccuracy!.Value).ToArray();
        double spaceMean = Nb201Tables.Benchmark.Column("cifar10_test_acc").Average();
        output.WriteLine($"random search N=100 by NASWOT, CIFAR-10: mean {picked.Average():F2} over 30 runs; space mean {spaceMean:F2}");
        Assert.True(picked.Average() > spaceMean + 5);
    }

    [Fact]
    public void ACheckpointPathIsRefusedRatherThanIgnored()
    {
        var scorer = FreeReaMetrics.Skip;
        var run = new SearchRunOptions { CheckpointPath = "unused.json" };
        var constraints = new SearchConstraints { Dataset = Dataset.Cifar10 };
        Assert.Contains("Random", Assert.Throws<NotSupportedException>(() => RandomSearch.Run(Space, scorer, new RandomSearchOptions { Constraints = constraints }, run)).Message);
        Assert.Contains("Exhaustive", Assert.Throws<NotSupportedException>(() => ExhaustiveSearch.Run(Space, scorer, new ExhaustiveSearchOptions { Constraints = constraints }, run)).Message);
    }
}
