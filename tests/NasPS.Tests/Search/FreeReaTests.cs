using NasPS.Randomness;
using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;
using static NasPS.Tests.Search.SearchTestKit;

namespace NasPS.Tests.Search;

public class FreeReaTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;
    private static IArchitectureScorer Cifar10Scorer => FreeReaMetrics.CachedNb201(Nb201Tables.Cached, Dataset.Cifar10);

    private static FreeReaOptions Options(ulong seed) => new() { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10 }, Seed = seed };

    [Fact]
    public void SameSeedSameSearchDifferentSeedDifferentHistory()
    {
        var a = FreeRea.Run(Space, Cifar10Scorer, Options(7));
        var b = FreeRea.Run(Space, Cifar10Scorer, Options(7));
        var c = FreeRea.Run(Space, Cifar10Scorer, Options(8));
        AssertSameSearch(a, b);
        Assert.NotEqual(a.History.Select(r => r.Architecture), c.History.Select(r => r.Architecture));
    }

    [Fact]
    public void HistoryIsDistinctAndTheAnswerIsItsBestByScore()
    {
        var result = FreeRea.Run(Space, Cifar10Scorer, Options(3));
        Assert.Equal(result.History.Count, result.History.Select(r => r.Architecture).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, result.History.Count), result.History.Select(r => r.Order));
        var order = FreeReaRanking.OrderBestFirst(result.History.Select(r => (IReadOnlyList<double>)r.Scores.Values.ToArray()).ToArray());
        Assert.Equal(result.History[order[0]].Architecture, result.Best.Architecture);
        Assert.Equal(["naswot", "logsynflow", "skip"], result.Best.Scores.Keys);
        // The budget is the cached metric time of the history, and the loop stops right after crossing it.
        Assert.Equal(result.History.Sum(r => r.CostSeconds) / 60, result.BudgetUsedMinutes, 12);
        Assert.Equal(result.ProxyCostSeconds / 60, result.BudgetUsedMinutes, 12);
        Assert.True(result.BudgetUsedMinutes > 0.75);
        // Initial population: at most 100 distinct draws of generation 0; then every step adds children of its generation.
        Assert.InRange(result.History.Count(r => r.Generation == 0), 90, 100);
        Assert.Equal(result.Steps, result.History.Max(r => r.Generation));
    }

    [Fact]
    public void ParameterAndFlopsCapsHoldForEveryVisitedArchitecture()
    {
        const long maxParams = 600_000, maxFlops = 80_000_000;
        var options = Options(1) with { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10, MaxParameters = maxParams, MaxFlops = maxFlops } };
        var result = FreeRea.Run(Space, Cifar10Scorer, options);
        Assert.All(result.History, r => Assert.True(r.Parameters <= maxParams && r.Flops <= maxFlops, r.Architecture));
        Assert.True(result.Best.Parameters <= maxParams);
        var unconstrained = FreeRea.Run(Space, Cifar10Scorer, Options(1));
        Assert.True(unconstrained.Best.Parameters > maxParams); // so the cap did change the answer
    }

    [Fact]
    public void MaxStepsEndsTheSearchEarly()
    {
        var result = FreeRea.Run(Space, Cifar10Scorer, Options(2) with { MaxSteps = 3 });
        Assert.Equal(3, result.Steps);
        Assert.Equal("max-steps", result.StopReason);
    }

    [Fact]
    public void ProgressIsReportedOncePerStep()
    {
        var reports = new List<SearchProgress>();
        var result = FreeRea.Run(Space, Cifar10Scorer, Options(4), new SearchRunOptions { Progress = new ProgressSink(reports.Add) });
        Assert.Equal(Enumerable.Range(1, result.Steps), reports.Select(r => r.Generation));
        Assert.Equal(result.Best.Architecture, reports[^1].BestArchitecture);
        Assert.Equal(result.History.Count, reports[^1].Visited);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BudgetUsedMinutes <= p.Second.BudgetUsedMinutes));
    }

    [Fact]
    public void MeasuredScoringGivesTheSameSearchOnOneOrFourThreads()
    {
        // A synthetic live proxy: values depend on (seed, genome) only; the measured times are not charged (MaxSteps ends it).
        static double[] Proxy(Genome g, Rng rng, CancellationToken _) => [((Nb201Genome)g).Count(Nb201Op.Conv3x3) + rng.NextGaussian(), rng.NextDouble()];
        SearchResult Run(int threads) => FreeRea.Run(Space, new MeasuredScorer(["a", "b"], Proxy, threads),
            Options(5) with { MaxSteps = 6, BudgetMinutes = 1e6, Accounting = BudgetAccounting.WallClock });
        var one = Run(1);
        var four = Run(4);
        Assert.Equal(one.Best.Architecture, four.Best.Architecture);
        Assert.Equal(one.History.Select(r => (r.Architecture, r.Generation, r.Scores["a"], r.Scores["b"])),
            four.History.Select(r => (r.Architecture, r.Generation, r.Scores["a"], r.Scores["b"])));
    }

    [Fact]
    public void CancellingAMultiThreadedScorerSurfacesAsCancellation()
    {
        using var source = new CancellationTokenSource();
        int evaluated = 0;
        double[] Proxy(Genome g, Rng rng, CancellationToken token)
        {
            if (Interlocked.Increment(ref evaluated) == 10) source.Cancel();
            token.ThrowIfCancellationRequested();
            return [rng.NextDouble()];
        }
        Assert.ThrowsAny<OperationCanceledException>(() => FreeRea.Run(Space, new MeasuredScorer(["a"], Proxy, 4),
            Options(6) with { MaxSteps = 2, Accounting = BudgetAccounting.WallClock, BudgetMinutes = 1e6 }, cancellationToken: source.Token));
    }

    [Fact]
    public void ASearchThatCannotGrowItsPopulationStopsAsStalled()
    {
        // Without convolutions every cell has 73,306 parameters on CIFAR-10: 3^6 = 729 feasible cells, fewer than N + 1.
        var options = Options(12) with
        {
            Constraints = new SearchConstraints { Dataset = Dataset.Cifar10, MaxParameters = 73_306 },
            PopulationSize = 800,
            StallLimit = 200,
        };
        var result = FreeRea.Run(Space, Cifar10Scorer, options);
        Assert.Equal("stalled", result.StopReason);
        Assert.Equal(0, result.Steps);
        Assert.All(result.History, r => Assert.Equal(73_306, r.Parameters));
        Assert.InRange(result.History.Count, 400, 729);
        // Members found during the stalled step were born and ranked: the answer is the best of all of them.
        var order = FreeReaRanking.OrderBestFirst(result.History.Select(r => (IReadOnlyList<double>)r.Scores.Values.ToArray()).ToArray());
        Assert.Equal(result.History[order[0]].Architecture, result.Best.Architecture);
    }

    [Fact]
    public void CapsNoArchitectureMeetsAreReportedNotLoopedOn()
    {
        var options = Options(1) with { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10, MaxParameters = 1_000 } };
        var ex = Assert.Throws<InvalidOperationException>(() => FreeRea.Run(Space, Cifar10Scorer, options));
        Assert.Contains("too tight", ex.Message);
        Assert.Contains("1000", ex.Message);
    }
}
