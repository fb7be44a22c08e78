using NasPS.Benchmarks;
using NasPS.Proxies;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

namespace NasPS.Search.Scoring;

/// <summary>FreeREA's metric set on NAS-Bench-201: NASWOT + LogSynflow (cached, with their recorded times) + skip
/// (from the architecture, free), the three terms its search ranks by (spec §4.1, §8).</summary>
public static class FreeReaMetrics
{
    /// <summary>FreeREA's skip metric of an NB201 or NB101 cell (spec §3.4), as a zero-cost scorer.</summary>
    public static ArchitectureMetricScorer Skip { get; } = new("skip", ArchitectureProxy.SkipMetric);

    /// <summary>The cached-metric scorer FreeREA's NATS-Bench search uses for <paramref name="dataset"/>.</summary>
    public static IArchitectureScorer CachedNb201(CachedProxyTable table, Dataset dataset) =>
        new CombinedScorer(
            new CachedMetricScorer(table, NasBench201Space.Instance, dataset, [CachedMetric.FreeReaNaswot, CachedMetric.FreeReaLogSynflow]),
            Skip);
}
