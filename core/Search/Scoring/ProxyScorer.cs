using NasPS.Data;
using NasPS.Proxies;
using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>Live zero-cost proxies as a search scorer: each architecture is scored with a seed derived from (search seed,
/// architecture), so its values never depend on the batch or thread it was scored in; the cost is the measured time.</summary>
public static class ProxyScorer
{
    public static IArchitectureScorer Live(IReadOnlyList<IZeroCostProxy> proxies, Dataset dataset, ImageBatch? input, int maxDegreeOfParallelism = 1)
    {
        if (proxies.Count == 0) throw new ArgumentException("A live scorer needs at least one proxy.", nameof(proxies));
        return new MeasuredScorer(proxies.Select(p => p.Name).ToList(), (genome, rng, cancellation) =>
        {
            var context = new ProxyContext { Dataset = dataset, Input = input, Seed = rng.NextUInt64(), Cancellation = cancellation };
            return proxies.Select(p => p.Supports(genome)
                ? p.Score(genome, context).Value
                : throw new NotSupportedException($"Proxy '{p.Name}' is not defined on {genome.SpaceName} architectures ('{genome.Canonical}').")).ToArray();
        }, maxDegreeOfParallelism);
    }
}
