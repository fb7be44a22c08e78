using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>
/// What a search asks of a proxy: named metric values for a batch of architectures, higher is better, plus what
/// each evaluation cost in seconds (the search's budget is charged with it).
/// Implementations are thread-safe and deterministic per (seed, genome): the same genome scored with the same
/// seed gives the same values whatever the batch it arrives in and however many threads run.
/// </summary>
public interface IArchitectureScorer
{
    /// <summary>Names of the metrics, in the order of <see cref="ArchitectureScore.Values"/>.</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>Scores <paramref name="genomes"/>; the result is in input order.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken);
}

/// <summary>The metric values of one architecture (aligned with <see cref="IArchitectureScorer.MetricNames"/>)
/// and the seconds charged for computing them.</summary>
public sealed class ArchitectureScore
{
    public ArchitectureScore(IReadOnlyList<double> values, double costSeconds)
    {
        if (!(costSeconds >= 0) || double.IsPositiveInfinity(costSeconds))
            throw new ArgumentOutOfRangeException(nameof(costSeconds), costSeconds, "A cost is a finite number of seconds ≥ 0.");
        Values = values;
        CostSeconds = costSeconds;
    }

    public IReadOnlyList<double> Values { get; }
    public double CostSeconds { get; }
}
