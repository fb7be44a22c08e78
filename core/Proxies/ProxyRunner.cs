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

    /// <summary>Scores <paramref name="genomes"/>; results come back in order, lazily, a window of ThrottleLimit at a time.</summary>
    public IEnumerable<ScoredArchitecture> Run(IEnumerable<Genome> genomes)
    {
        var window = new List<Genome>(ThrottleLimit);
        foreach (var genome in genomes)
        {
            window.Add(genome);
            if (window.Count < ThrottleLimit) continue;
            foreach (var scored in ScoreWindow(window)) yield return scored;
            window.Clear();
        }
        foreach (var scored in ScoreWindow(window)) yield return scored;
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

    private ScoredArchitecture[] ScoreWindow(List<Genome> window)
    {
        var scored = new ScoredArchitecture[window.Count];
        if (window.Count == 0) return scored;
        if (ThrottleLimit == 1 || window.Count == 1)
        {
            for (int i = 0; i < window.Count; i++) scored[i] = ScoreOne(window[i]);
            return scored;
        }
        // Each architecture gets its share of the cores for its kernels (results never depend on the degree).
        int share = Math.Max(1, Compute.Kernels.Parallelism.Degree / Math.Min(ThrottleLimit, window.Count));
        Compute.Kernels.Parallelism.For(window.Count, new ParallelOptions { MaxDegreeOfParallelism = ThrottleLimit, CancellationToken = context.Cancellation },
            i =>
            {
                using var limit = Compute.Kernels.Parallelism.Limit(share);
                scored[i] = ScoreOne(window[i]);
            });
        return scored;
    }
}

/// <summary>An architecture with its proxy results, or why it could not be scored.</summary>
public sealed record ScoredArchitecture(Genome Genome, IReadOnlyList<ProxyResult> Results, string? Error);
