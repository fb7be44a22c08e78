using NasPS.Randomness;
using NasPS.Search;
using NasPS.Search.Cyclic;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;
using static NasPS.Tests.Search.SearchTestKit;

namespace NasPS.Tests.Search;

/// <summary>The evaluation budget (MaxEvaluations): the number of distinct architectures scored bounds a run, so a
/// live search gives the same answer on any machine. The runs below charge wall-clock time (as live runs do) with no
/// time budget, so only the evaluation count can end them.</summary>
public class EvaluationBudgetTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;
    private static IArchitectureScorer Scorer => FreeReaMetrics.CachedNb201(Nb201Tables.Cached, Dataset.Cifar10);

    private static FreeReaOptions Options(int maxEvaluations, ulong seed = 4) => new()
    {
        Constraints = new SearchConstraints { Dataset = Dataset.Cifar10 },
        Seed = seed,
        Accounting = BudgetAccounting.WallClock,
        BudgetMinutes = double.PositiveInfinity,
        MaxEvaluations = maxEvaluations,
    };

    [Fact]
    public void FreeReaStopsAtTheFirstStepBoundaryThatReachesTheEvaluationBudget()
    {
        var result = FreeRea.Run(Space, Scorer, Options(250));
        Assert.Equal("max-evaluations", result.StopReason);
        // One step adds at most one try's three children.
        Assert.InRange(result.History.Count, 250, 252);
        // The step before the last one ended below the budget.
        int lastStep = result.History.Max(v => v.Generation);
        Assert.True(result.History.Count(v => v.Generation < lastStep) < 250);
        AssertSameSearch(result, FreeRea.Run(Space, Scorer, Options(250)), sameBudgetUsed: false);
    }

    [Fact]
    public void ASmallerEvaluationBudgetStopsTheSameTrajectoryEarlier()
    {
        var shorter = FreeRea.Run(Space, Scorer, Options(180, seed: 7));
        var longer = FreeRea.Run(Space, Scorer, Options(300, seed: 7));
        Assert.True(shorter.History.Count < longer.History.Count);
        for (int i = 0; i < shorter.History.Count; i++)
            Assert.Equal(shorter.History[i].Architecture, longer.History[i].Architecture);
    }

    [Fact]
    public void AResumedRunUnderAnEvaluationBudgetEndsLikeTheUninterruptedRun()
    {
        var options = Options(260, seed: 12);
        var counter = new CountingScorer(Scorer);
        var reference = FreeRea.Run(Space, counter, options);
        var rng = new Rng(99);
        for (int point = 0; point < 6; point++)
        {
            string path = TempPath("freerea-evals");
            using var source = new CancellationTokenSource();
            var run = new SearchRunOptions { CheckpointPath = path, CheckpointEverySteps = 5 };
            int cancelOnCall = 1 + rng.NextInt(counter.Calls);
            Assert.ThrowsAny<OperationCanceledException>(() => FreeRea.Run(Space, new CountingScorer(Scorer, source, cancelOnCall), options, run, source.Token));
            AssertSameSearch(reference, FreeRea.Resume(path, Space, Scorer, options, run), sameBudgetUsed: false);
            File.Delete(path);
        }
    }

    [Fact]
    public void ResumeRefusesADifferentEvaluationBudgetNamingTheField()
    {
        string path = TempPath("freerea-evals-config");
        FreeRea.Run(Space, Scorer, Options(150), new SearchRunOptions { CheckpointPath = path });
        var ex = Assert.Throws<InvalidOperationException>(() => FreeRea.Resume(path, Space, Scorer, Options(340)));
        Assert.Contains("maxEvaluations", ex.Message);
        Assert.Contains("150", ex.Message);
        Assert.Contains("340", ex.Message);
        var none = Assert.Throws<InvalidOperationException>(() => FreeRea.Resume(path, Space, Scorer, Options(150) with { MaxEvaluations = null }));
        Assert.Contains("maxEvaluations", none.Message);
        File.Delete(path);
    }

    [Fact]
    public void AnEvaluationBudgetBelowOneIsRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => FreeRea.Run(Space, Scorer, Options(0)));
        Assert.Contains("MaxEvaluations", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomSearch.Run(Space, Scorer,
            new RandomSearchOptions { Constraints = new SearchConstraints { Dataset = Dataset.Cifar10 }, MaxEvaluations = -3 }));
    }

    [Fact]
    public void TheCyclicSearchCountsEvaluationsOverAllPhasesAndRefusesAnotherBudgetOnResume()
    {
        var topology = new CachedMetricScorer(Nb201Tables.Cached, Space, Dataset.Cifar10, [CachedMetric.FreeReaNaswot]);
        var size = new CachedMetricScorer(Nb201Tables.Cached, Space, Dataset.Cifar10, [CachedMetric.FreeReaLogSynflow]);
        var options = new CyclicSearchOptions
        {
            Constraints = new SearchConstraints { Dataset = Dataset.Cifar10 }, Seed = 2, Accounting = BudgetAccounting.WallClock,
            BudgetMinutes = double.PositiveInfinity, MaxEvaluations = 120,
            // Phase budgets in wall time would make the run machine-dependent; no phase ends on time here.
            Topology = new CyclicPhaseOptions { PopulationSize = 50, TournamentSize = 10, BudgetMinutes = double.PositiveInfinity },
            Size = new CyclicPhaseOptions { PopulationSize = 10, TournamentSize = 5, BudgetMinutes = double.PositiveInfinity },
        };
        string path = TempPath("cyclic-evals");
        var result = CyclicSearch.Run(Nb201FactoredSpace.Instance, topology, size, options, new SearchRunOptions { CheckpointPath = path });
        Assert.Equal("max-evaluations", result.StopReason);
        Assert.InRange(result.History.Count, 120, 122);
        AssertSameSearch(result, CyclicSearch.Run(Nb201FactoredSpace.Instance, topology, size, options), sameBudgetUsed: false);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            CyclicSearch.Resume(path, Nb201FactoredSpace.Instance, topology, size, options with { MaxEvaluations = 200 }));
        Assert.Contains("maxEvaluations", ex.Message);
        File.Delete(path);
    }

    [Fact]
    public void RandomSearchScoresTheFirstDistinctDrawsUpToTheBudget()
    {
        var scorer = new CachedMetricScorer(Nb201Tables.Cached, Space, Dataset.Cifar10, [CachedMetric.FreeReaNaswot]);
        var constraints = new SearchConstraints { Dataset = Dataset.Cifar10 };
        var all = RandomSearch.Run(Space, scorer, new RandomSearchOptions { Constraints = constraints, Samples = 400, Seed = 3 });
        var capped = RandomSearch.Run(Space, scorer, new RandomSearchOptions { Constraints = constraints, Samples = 400, Seed = 3, MaxEvaluations = 150 });
        Assert.Equal("exhausted", all.StopReason);
        Assert.Equal("max-evaluations", capped.StopReason);
        Assert.Equal(150, capped.History.Count);
        Assert.Equal(all.History.Take(150).Select(v => v.Architecture), capped.History.Select(v => v.Architecture));
    }

    [Fact]
    public void TheLauncherDropsTheDefaultTimeBudgetWhenOnlyAnEvaluationBudgetIsGiven()
    {
        var cached = Nb201Tables.Cached;
        var request = new SearchRequest { Method = SearchMethod.FreeRea, Space = Space, Seed = 1, CachedProxies = cached, MaxEvaluations = 600 };
        // FreeREA's default 0.75 min of cached proxy time would stop near 210 architectures.
        var result = SearchLauncher.Run(request);
        Assert.Equal("max-evaluations", result.StopReason);
        Assert.InRange(result.History.Count, 600, 602);
        var both = SearchLauncher.Run(request with { BudgetMinutes = 0.75 });
        Assert.Equal("budget", both.StopReason);
        var sed = Assert.Throws<ArgumentException>(() => SearchLauncher.Run(request with { Method = SearchMethod.Sed, CachedProxies = null }));
        Assert.Contains("MaxEvaluations", sed.Message);
    }
}
