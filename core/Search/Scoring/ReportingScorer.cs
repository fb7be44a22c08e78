using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>How far a scorer is through one batch: <see cref="Scored"/> of <see cref="Total"/> architectures.</summary>
public sealed record ScoringProgress(int Scored, int Total);

/// <summary>
/// Passes each batch to another scorer in chunks and reports after every chunk, so that a long batch — FreeREA's
/// initial population is 100 live evaluations, over a minute here — shows its own progress under the generation's.
/// Results are those of the inner scorer: scorers are deterministic per (seed, genome) whatever batch a genome arrives
/// in. Chunks as large as the scoring parallelism keep every thread busy.
/// </summary>
public sealed class ReportingScorer : IArchitectureScorer
{
    private readonly IArchitectureScorer _inner;
    private readonly int _chunk;
    private readonly IProgress<ScoringProgress> _progress;

    public ReportingScorer(IArchitectureScorer inner, int chunk, IProgress<ScoringProgress> progress)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        (_inner, _chunk, _progress) = (inner, chunk, progress);
    }

    public IReadOnlyList<string> MetricNames => _inner.MetricNames;

    public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
    {
        var results = new List<ArchitectureScore>(genomes.Count);
        for (int start = 0; start < genomes.Count; start += _chunk)
        {
            var chunk = genomes.Skip(start).Take(_chunk).ToList();
            var scores = _inner.Score(chunk, seed, cancellationToken);
            if (scores.Count != chunk.Count)
                throw new InvalidOperationException($"The scorer returned {scores.Count} results for {chunk.Count} architectures.");
            results.AddRange(scores);
            _progress.Report(new ScoringProgress(results.Count, genomes.Count));
        }
        return results;
    }
}
