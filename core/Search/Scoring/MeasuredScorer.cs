using System.Diagnostics;
using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Search.Scoring;

/// <summary>
/// Adapts a live proxy (build a network, run it) to a search: each architecture is evaluated with its own
/// generator, <c>new Rng(seed).Fork(hash of the genome)</c>, so its values depend only on (seed, genome) and not on
/// the batch or the thread; the cost charged is the measured wall time of that evaluation.
/// </summary>
public sealed class MeasuredScorer : IArchitectureScorer
{
    /// <summary>Computes the metric values (in <see cref="MetricNames"/> order) of one architecture.</summary>
    public delegate double[] Evaluate(Genome genome, Rng rng, CancellationToken cancellationToken);

    private readonly Evaluate _evaluate;
    private readonly int _maxDegreeOfParallelism;

    /// <param name="maxDegreeOfParallelism">Architectures of a batch evaluated at once; 1 runs them in order on the caller's thread.</param>
    public MeasuredScorer(IReadOnlyList<string> metricNames, Evaluate evaluate, int maxDegreeOfParallelism = 1)
    {
        if (metricNames.Count == 0) throw new ArgumentException("At least one metric name is required.", nameof(metricNames));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        MetricNames = metricNames.ToArray();
        _evaluate = evaluate;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    public IReadOnlyList<string> MetricNames { get; }

    public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
    {
        var result = new ArchitectureScore[genomes.Count];
        var root = new Rng(seed);
        if (_maxDegreeOfParallelism == 1)
        {
            for (int i = 0; i < genomes.Count; i++) result[i] = EvaluateOne(root, genomes[i], cancellationToken);
        }
        else
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism, CancellationToken = cancellationToken };
            // Each architecture gets its share of the cores for its kernels (results never depend on the degree).
            int share = Math.Max(1, Compute.Kernels.Parallelism.Degree / Math.Min(_maxDegreeOfParallelism, genomes.Count));
            Compute.Kernels.Parallelism.For(genomes.Count, options, i =>
            {
                using var limit = Compute.Kernels.Parallelism.Limit(share);
                result[i] = EvaluateOne(root, genomes[i], cancellationToken);
            });
        }
        return result;
    }

    private ArchitectureScore EvaluateOne(Rng root, Genome genome, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rng = root.Fork(StableHash.Of(genome.SpaceName + ":" + genome.Canonical));
        var watch = Stopwatch.StartNew();
        double[] values = _evaluate(genome, rng, cancellationToken);
        double seconds = watch.Elapsed.TotalSeconds;
        if (values.Length != MetricNames.Count)
            throw new InvalidOperationException($"The proxy returned {values.Length} values for '{genome.Canonical}', expected {MetricNames.Count} ({string.Join(", ", MetricNames)}).");
        return new ArchitectureScore(values, seconds);
    }
}
