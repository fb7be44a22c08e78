using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>Several scorers side by side: their metrics concatenated in order, their costs added.</summary>
public sealed class CombinedScorer : IArchitectureScorer
{
    private readonly IArchitectureScorer[] _parts;

    public CombinedScorer(params IArchitectureScorer[] parts)
    {
        if (parts.Length == 0) throw new ArgumentException("At least one scorer is required.", nameof(parts));
        _parts = parts;
        var names = parts.SelectMany(p => p.MetricNames).ToArray();
        var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Metric '{duplicate.Key}' is given by more than one scorer.", nameof(parts));
        MetricNames = names;
    }

    public IReadOnlyList<string> MetricNames { get; }

    public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
    {
        var partial = _parts.Select(p => p.Score(genomes, seed, cancellationToken)).ToArray();
        var result = new ArchitectureScore[genomes.Count];
        for (int g = 0; g < genomes.Count; g++)
        {
            var values = new List<double>(MetricNames.Count);
            double cost = 0;
            foreach (var scores in partial)
            {
                values.AddRange(scores[g].Values);
                cost += scores[g].CostSeconds;
            }
            result[g] = new ArchitectureScore(values, cost);
        }
        return result;
    }
}
