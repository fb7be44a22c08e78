using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>
/// Scores a stream of architectures with several proxies, up to <see cref="ThrottleLimit"/> architectures at once,
/// and yields the results in input order. A score depends only on (architecture, proxy, context), never on the
/// thread that computed it, so the output is the same for any throttle limit.
/// </summary>
public sealed class ProxyRunner(IReadOnlyList<IZeroCostProxy> proxies, ProxyContext context)
{
    public int ThrottleLimit { get; init; } = 1;

    public IReadOnlyList<IZeroCostProxy> Proxies { get; } = proxies;

    /// <summary>Scores <paramref name="genomes"/>; results come back in input order, lazily. With a throttle limit above
    /// one, up to that many architectures are scored at once and a freed slot takes the next architecture at once (no
    /// waiting for the rest of a window: architectures differ in cost by 10× and more), a few architectures ahead of
    /// the oldest one still running.</summary>
    public IEnumerable<ScoredArchitecture> Run(IEnumerable<Genome> genomes)
    {
        if (ThrottleLimit == 1)
        {
            foreach (var genome in genomes) yield return ScoreOne(genome);
            yield break;
        }
        // Each architecture gets its share of the cores for its kernels (results never depend on the degree).
        int share = Math.Max(1, Compute.Kernels.Parallelism.Degree / ThrottleLimit);
        using var scoring = new OrderedParallel<Genome, ScoredArchitecture>(ThrottleLimit, genome =>
        {
            using var limit = Compute.Kernels.Parallelism.Limit(share);
            return ScoreOne(genome);
        }, context.Cancellation);
        foreach (var genome in genomes)
        {
            if (scoring.Count == scoring.Lookahead) yield return scoring.TakeOldest().Result;
            scoring.Submit(genome);
        }
        while (scoring.Count > 0) yield return scoring.TakeOldest().Result;
    }

    /// <summary>Scores one architecture with every proxy; a proxy that does not support it yields an error entry.</summary>
    public ScoredArchitecture ScoreOne(Genome genome)
    {
        var results = new List<ProxyResult>(Proxies.Count);
        foreach (var proxy in Proxies)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (!proxy.Supports(genome))
                return new ScoredArchitecture(genome, results, $"Proxy '{proxy.Name}' is not defined on {genome.SpaceName} architectures.");
            results.Add(proxy.Score(genome, context));
        }
        return new ScoredArchitecture(genome, results, null);
    }
}

/// <summary>An architecture with its proxy results, or why it could not be scored.</summary>
public sealed record ScoredArchitecture(Genome Genome, IReadOnlyList<ProxyResult> Results, string? Error);
