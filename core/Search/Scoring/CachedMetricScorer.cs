using NasPS.Benchmarks;
using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>One published metric read from a <see cref="CachedProxyTable"/>: the name searches see, the score column
/// suffix and the time column's metric name (null: the metric is charged nothing).</summary>
public sealed record CachedMetric(string Name, string ScoreColumn, string? TimeColumn)
{
    /// <summary>FreeREA's NASWOT: scores <c>{dataset}_freerea_naswot</c>, times <c>{dataset}_naswot_time_s</c>.</summary>
    public static readonly CachedMetric FreeReaNaswot = new("naswot", "freerea_naswot", "naswot");

    /// <summary>FreeREA's LogSynflow: scores <c>{dataset}_freerea_logsynflow</c>, times <c>{dataset}_logsynflow_time_s</c>.</summary>
    public static readonly CachedMetric FreeReaLogSynflow = new("logsynflow", "freerea_logsynflow", "logsynflow");
}

/// <summary>
/// Scores architectures by looking up published metrics by official index, with FreeREA's rule for non-finite
/// values (<see cref="NonFiniteValues.ReplaceWithColumnMinimum"/>) and the recorded metric times as cost.
/// Looking up is instant and seed-independent, so a search on cached metrics is machine-independent.
/// </summary>
public sealed class CachedMetricScorer : IArchitectureScorer
{
    private readonly ISearchSpace _space;
    private readonly IReadOnlyList<double>[] _scores;
    private readonly IReadOnlyList<double>?[] _times;
    private readonly int _count;

    public CachedMetricScorer(CachedProxyTable table, ISearchSpace space, Dataset dataset, IReadOnlyList<CachedMetric> metrics)
    {
        if (metrics.Count == 0) throw new ArgumentException("At least one cached metric is required.", nameof(metrics));
        if (!space.HasOfficialIndex) throw new ArgumentException($"Cached metrics are looked up by official index, and space '{space.Name}' has none.", nameof(space));
        _space = space;
        _count = table.Count;
        MetricNames = metrics.Select(m => m.Name).ToArray();
        _scores = metrics.Select(m => table.Scores(dataset, m.ScoreColumn, NonFiniteValues.ReplaceWithColumnMinimum)).ToArray();
        _times = metrics.Select(m => m.TimeColumn is null ? null : table.TimesSeconds(dataset, m.TimeColumn)).ToArray();
    }

    public IReadOnlyList<string> MetricNames { get; }

    public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = new ArchitectureScore[genomes.Count];
        for (int g = 0; g < genomes.Count; g++)
        {
            int index = _space.IndexOf(genomes[g])
                ?? throw new ArgumentException($"'{genomes[g].Canonical}' has no official index in space '{_space.Name}'.", nameof(genomes));
            if ((uint)index >= (uint)_count)
                throw new ArgumentException($"'{genomes[g].Canonical}' has index {index}, beyond the {_count} rows of the cached table.", nameof(genomes));
            var values = new double[_scores.Length];
            double cost = 0;
            for (int m = 0; m < values.Length; m++)
            {
                values[m] = _scores[m][index];
                if (_times[m] is { } times) cost += times[index];
            }
            result[g] = new ArchitectureScore(values, cost);
        }
        return result;
    }
}
