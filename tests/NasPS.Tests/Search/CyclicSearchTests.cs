using NasPS.Search;
using NasPS.Search.Cyclic;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;
using Xunit.Abstractions;
using static NasPS.Tests.Search.SearchTestKit;

namespace NasPS.Tests.Search;

public class CyclicSearchTests(ITestOutputHelper output)
{
    private static readonly Nb201FactoredSpace Factored = Nb201FactoredSpace.Instance;

    private static IArchitectureScorer Naswot(Dataset d) => new CachedMetricScorer(Nb201Tables.Cached, NasBench201Space.Instance, d, [CachedMetric.FreeReaNaswot]);
    private static IArchitectureScorer LogSynflow(Dataset d) => new CachedMetricScorer(Nb201Tables.Cached, NasBench201Space.Instance, d, [CachedMetric.FreeReaLogSynflow]);
    private static CyclicSearchOptions Options(Dataset d, ulong seed) => new() { Constraints = new SearchConstraints { Dataset = d }, Seed = seed };

    [Fact]
    public void SplitAndJoinRoundTripEveryNb201Cell()
    {
        var space = NasBench201Space.Instance;
        foreach (var genome in space.Enumerate())
        {
            var (topology, size) = Factored.Split(genome);
            Assert.Equal(genome, Factored.Join(topology, size));
            var cell = (Nb201Genome)genome;
            for (int e = 0; e < Nb201Genome.EdgeCount; e++)
                Assert.Equal(cell[e] is Nb201Op.Conv1x1 or Nb201Op.Conv3x3, Factored.IsSizeGeneActive(topology, e));
        }
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Factored.Join([0, 0, 0, 0, 0, 4], [0, 0, 0, 0, 0, 0]));
        Assert.Contains("Gene 5", ex.Message);
    }

    [Fact]
    public void PhasesVaryOnlyTheirOwnFactor()
    {
        var reports = new List<SearchProgress>();
        var result = CyclicSearch.Run(Factored, Naswot(Dataset.Cifar10), LogSynflow(Dataset.Cifar10), Options(Dataset.Cifar10, 3),
            new SearchRunOptions { Progress = new ProgressSink(reports.Add) });
        Assert.Contains(result.StopReason, new[] { "converged", "budget", "max-cycles" });
        Assert.Equal(result.History.Select(r => r.Phase).Distinct(), reports.Select(r => r.Phase).Distinct());
        foreach (var phase in result.History.GroupBy(r => r.Phase))
        {
            var genes = phase.Select(r => Factored.Split(NasBench201Space.Instance.Parse(r.Architecture))).ToList();
            if (phase.Key!.EndsWith("size"))
            {
                // One topology throughout a size phase.
                Assert.Single(genes.Select(g => string.Join(",", g.Topology)).Distinct());
                Assert.All(phase, r => Assert.Equal(["logsynflow"], r.Scores.Keys));
            }
            else
            {
                // Within a topology phase every convolution edge has the kernel fixed for that edge.
                var kernels = new int?[Nb201Genome.EdgeCount];
                foreach (var (topology, size) in genes)
                    for (int e = 0; e < kernels.Length; e++)
                        if (Factored.IsSizeGeneActive(topology, e))
                        {
                            kernels[e] ??= size[e];
                            Assert.Equal(kernels[e], size[e]);
                        }
                Assert.All(phase, r => Assert.Equal(["naswot"], r.Scores.Keys));
            }
        }
        // The answer is the last phase's best by its metric.
        var last = result.History.Where(r => r.Phase == result.History[^1].Phase).ToList();
        Assert.Equal(last.MaxBy(r => r.Scores.Values.Single())!.Architecture, result.Best.Architecture);
    }

    [Fact]
    public void SameSeedSameSearch()
    {
        var a = CyclicSearch.Run(Factored, Naswot(Dataset.Cifar10), LogSynflow(Dataset.Cifar10), Options(Dataset.Cifar10, 5));
        var b = CyclicSearch.Run(Factored, Naswot(Dataset.Cifar10), LogSynflow(Dataset.Cifar10), Options(Dataset.Cifar10, 5));
        AssertSameSearch(a, b);
        Assert.True(a.BudgetUsedMinutes <= a.History.Sum(r => r.CostSeconds) / 60 + 1e-12);
    }

    [Fact]
    public void CancelledAndResumedRunsEndLikeTheUninterruptedRun()
    {
        var counter = new CountingScorer(Naswot(Dataset.Cifar10));
        var options = Options(Dataset.Cifar10, 8);
        var reference = CyclicSearch.Run(Factored, counter, LogSynflow(Dataset.Cifar10), options);
        var rng = new NasPS.Randomness.Rng(77);
        for (int point = 0; point < 8; point++)
        {
            string path = TempPath("cyclic-cancel");
            using var source = new CancellationTokenSource();
            int cancelOnCall = 1 + rng.NextInt(counter.Calls);
            var run = new SearchRunOptions { CheckpointPath = path, CheckpointEverySteps = 2 + point % 3 };
            Assert.ThrowsAny<OperationCanceledException>(() =>
                CyclicSearch.Run(Factored, new CountingScorer(Naswot(Dataset.Cifar10), source, cancelOnCall), LogSynflow(Dataset.Cifar10), options, run, source.Token));
            AssertSameSearch(reference, CyclicSearch.Resume(path, Factored, Naswot(Dataset.Cifar10), LogSynflow(Dataset.Cifar10), options, run));
            File.Delete(path);
        }
        string other = TempPath("cyclic-config");
        CyclicSearch.Run(Factored, Naswot(Dataset.Cifar10), LogSynflow(Dataset.Cifar10), options, new SearchRunOptions { CheckpointPath = other });
        var ex = Assert.Throws<InvalidOperationException>(() =>
            CyclicSearch.Resume(other, Factored, Naswot(Dataset.Cifar10), LogSynflow(Dataset.Cifar10), options with { MaxCycles = 3 }));
        Assert.Contains("maxCycles", ex.Message);
        File.Delete(other);
    }

    [Theory]
    [InlineData(Dataset.Cifar10, 94.30)]
    [InlineData(Dataset.Cifar100, 73.40)]
    [InlineData(Dataset.ImageNet16_120, 46.30)]
    public void ThirtyRunsOnCachedMetrics(Dataset dataset, double floor)
    {
        // Validation protocol §7.5: topology by NASWOT + skip, size by LogSynflow, 30 runs, budget 0.75 min of cached
        // metric time. Chosen on CIFAR-10 over topology by NASWOT alone (93.79 ± 0.14 there). Recorded 30-run means:
        // 94.364 / 73.499 / 46.344; the floors guard against regressions, next to FreeREA's 94.36 / 73.50 / 46.34 (§5.4).
        var run = new SearchRunOptions { Benchmark = Nb201Tables.Benchmark };
        var results = Enumerable.Range(0, 30).Select(seed =>
            CyclicSearch.Run(Factored, new CombinedScorer(Naswot(dataset), FreeReaMetrics.Skip), LogSynflow(dataset), Options(dataset, (ulong)seed), run)).ToList();
        var accuracies = results.Select(r => r.Best.TestAccuracy!.Value).ToArray();
        double mean = accuracies.Average();
        double std = Math.Sqrt(accuracies.Select(a => (a - mean) * (a - mean)).Average());
        output.WriteLine($"{dataset}: cyclic mean {mean:F3} ± {std:F3}, visited {results.Average(r => r.History.Count):F1}, " +
            $"cycles {results.Average(r => r.Steps / 2.0):F1}, budget {results.Average(r => r.BudgetUsedMinutes):F3} min, " +
            $"stops {string.Join(", ", results.GroupBy(r => r.StopReason).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.True(mean >= floor, $"mean {mean:F3} < {floor}");
    }
}
