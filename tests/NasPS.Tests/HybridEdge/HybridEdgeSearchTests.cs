using NasPS.Proxies.Sed;
using NasPS.Search;
using NasPS.Search.Cyclic;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using Xunit;
using static NasPS.Tests.Search.SearchTestKit;

namespace NasPS.Tests.HybridEdge;

/// <summary>The cyclic search over HybridEdge under an edge budget. Scorers here are closed forms with a fixed charged cost
/// (the SED extension for topology, ln parameters for size), so runs are fast and exactly reproducible; the live
/// entropic/LogSynflow run is measured in docs/hybrid-edge.md.</summary>
public class HybridEdgeSearchTests
{
    private const long MaxMacs = 300_000_000, MaxParams = 5_000_000;
    private static readonly HybridEdgeFactoredSpace Factored = new(HybridEdgeSpace.Instance);

    private sealed class ClosedFormScorer(string name, Func<HybridEdgeGenome, double> score) : IArchitectureScorer
    {
        public IReadOnlyList<string> MetricNames => [name];

        public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return genomes.Select(g => new ArchitectureScore([score((HybridEdgeGenome)g)], 0.5)).ToList();
        }
    }

    private static IArchitectureScorer Topology() => new ClosedFormScorer("sed", HybridEdgeSed.Score);
    private static IArchitectureScorer Size() => new ClosedFormScorer("lnparams", g => Math.Log(HybridEdgeCost.Of(g).Parameters));

    private static CyclicSearchOptions Options(ulong seed) => new()
    {
        Constraints = new SearchConstraints { Dataset = Dataset.Cifar10, MaxFlops = MaxMacs, MaxParameters = MaxParams },
        Seed = seed, Accounting = BudgetAccounting.ProxyCost, BudgetMinutes = 2,
        Topology = new CyclicPhaseOptions { PopulationSize = 12, TournamentSize = 4, BudgetMinutes = 0.4 },
        Size = new CyclicPhaseOptions { PopulationSize = 12, TournamentSize = 4, BudgetMinutes = 0.4 },
    };

    [Fact]
    public void CyclicSearch_StaysWithinTheEdgeBudget_AndPhasesVaryOnlyTheirFactor()
    {
        var result = CyclicSearch.Run(Factored, Topology(), Size(), Options(3));
        var best = (HybridEdgeGenome)result.BestGenome;
        var (parameters, macs) = HybridEdgeCost.Of(best);
        Assert.InRange(macs, 1, MaxMacs);
        Assert.InRange(parameters, 1, MaxParams);
        Assert.True(result.History.Count > 20);
        foreach (var phase in result.History.GroupBy(r => r.Phase))
        {
            var genes = phase.Select(r => Factored.Split(HybridEdgeSpace.Instance.Parse(r.Architecture))).ToList();
            if (phase.Key!.EndsWith("size", StringComparison.Ordinal))
                Assert.All(genes, g => Assert.Equal(genes[0].Topology, g.Topology));
            else // size genes a topology does not use (heads, MLP ratio of MBConv stages) read as defaults
                foreach (var g in genes)
                    for (int i = 0; i < g.Size.Length; i++)
                        if (Factored.IsSizeGeneActive(g.Topology, i) && Factored.IsSizeGeneActive(genes[0].Topology, i))
                            Assert.Equal(genes[0].Size[i], g.Size[i]);
        }
        Assert.Contains(result.History, r => r.Phase!.EndsWith("size", StringComparison.Ordinal));
    }

    [Fact]
    public void CancelledAndResumedRun_EndsLikeTheUninterruptedRun()
    {
        var options = Options(5);
        var counter = new CountingScorer(Topology());
        var reference = CyclicSearch.Run(Factored, counter, Size(), options);
        foreach (int cancelOnCall in new[] { 2, counter.Calls / 2, counter.Calls - 1 })
        {
            string path = TempPath("hybrid-cyclic");
            using var source = new CancellationTokenSource();
            var run = new SearchRunOptions { CheckpointPath = path, CheckpointEverySteps = 2 };
            Assert.ThrowsAny<OperationCanceledException>(() =>
                CyclicSearch.Run(Factored, new CountingScorer(Topology(), source, cancelOnCall), Size(), options, run, source.Token));
            Assert.Contains("stem", File.ReadAllText(path)); // genomes are stored as their canonical strings
            AssertSameSearch(reference, CyclicSearch.Resume(path, Factored, Topology(), Size(), options, run));
            File.Delete(path);
        }
    }

    [Fact]
    public void Resume_RefusesAnotherResolutionOrClassCount_NamingTheField()
    {
        var options = Options(5);
        string path = TempPath("hybrid-settings");
        using var source = new CancellationTokenSource();
        var run = new SearchRunOptions { CheckpointPath = path, CheckpointEverySteps = 1 };
        Assert.ThrowsAny<OperationCanceledException>(() =>
            CyclicSearch.Run(Factored, new CountingScorer(Topology(), source, 3), Size(), options, run, source.Token));
        Assert.Contains("resolution 224, classes 1000", File.ReadAllText(path));
        foreach (var other in new[] { HybridEdgeSpace.With(112, 1000), HybridEdgeSpace.With(224, 100) })
        {
            var error = Assert.Throws<InvalidOperationException>(() =>
                CyclicSearch.Resume(path, new HybridEdgeFactoredSpace(other), Topology(), Size(), options, run));
            Assert.Contains("spaceSettings", error.Message);
            Assert.Contains(other.Settings!, error.Message);
        }
        CyclicSearch.Resume(path, Factored, Topology(), Size(), options, run); // the same settings resume
        File.Delete(path);
    }

    [Fact]
    public void Launcher_RunsTheCyclicSearchOnHybridEdge()
    {
        // Live proxies but data-free and run-free (SED both phases) keep this fast; the launcher picks the factored space.
        var result = SearchLauncher.Run(new SearchRequest
        {
            Method = SearchMethod.Cyclic, Space = HybridEdgeSpace.With(112, 1000), Seed = 1, MaxFlops = 100_000_000,
            Proxies = ["sed"], SizeProxies = ["sed"], BudgetMinutes = 0.05,
        });
        Assert.Equal("HybridEdge", result.Space);
        Assert.True(HybridEdgeSpace.With(112, 1000).CountFlops(result.BestGenome, Dataset.Cifar10) <= 100_000_000);
        Assert.Equal(112, ((HybridEdgeGenome)result.BestGenome).Resolution);
    }
}
