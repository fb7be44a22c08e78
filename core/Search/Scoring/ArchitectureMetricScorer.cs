using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>
/// A metric computed from the architecture alone (FreeREA's skip metric, a data-free proxy): no network, no
/// randomness, no charge against the budget.
/// </summary>
public sealed class ArchitectureMetricScorer : IArchitectureScorer
{
    private readonly Func<Genome, double> _metric;

    public ArchitectureMetricScorer(string name, Func<Genome, double> metric)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        MetricNames = [name];
        _metric = metric;
    }

    public IReadOnlyList<string> MetricNames { get; }

    public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return genomes.Select(g => new ArchitectureScore([_metric(g)], 0)).ToArray();
    }
}
