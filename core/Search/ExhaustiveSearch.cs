using System.Diagnostics;
using NasPS.Search.Scoring;
using NasPS.Spaces;

namespace NasPS.Search;

public sealed record ExhaustiveSearchOptions
{
    public required SearchConstraints Constraints { get; init; }
    /// <summary>Architectures handed to the scorer at once (and between progress reports).</summary>
    public int BatchSize { get; init; } = 1024;
    /// <summary>Seed passed to the scorer (a data-free scorer ignores it).</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// Scores every feasible architecture of a finite space, in the space's enumeration order, and returns the best by
/// FreeREA's aggregated score normalised over all of them (one metric: simply the highest; ties: first enumerated).
/// Meant for cheap, data-free scorers, where scoring the whole space takes seconds.
/// </summary>
public static class ExhaustiveSearch
{
    public const string Algorithm = "Exhaustive";

    public static SearchResult Run(ISearchSpace space, IArchitectureScorer scorer, ExhaustiveSearchOptions options,
        SearchRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        if (space.Count is null) throw new NotSupportedException($"Space '{space.Name}' is not finite; an exhaustive search needs a finite space.");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        options.Constraints.Validate();
        run ??= new SearchRunOptions();
        SearchCheckpoint.RejectCheckpointPath(run, Algorithm);
        var clock = Stopwatch.StartNew();
        var visits = new List<SearchVisit>();
        var batch = new List<Genome>(options.BatchSize);
        int batches = 0;
        void Flush()
        {
            if (batch.Count == 0) return;
            var scores = scorer.Score(batch, options.Seed, cancellationToken);
            for (int i = 0; i < batch.Count; i++)
                visits.Add(new SearchVisit(batch[i], scorer.MetricNames, scores[i].Values, scores[i].CostSeconds, Generation: 0, Phase: null));
            batch.Clear();
            run.Progress?.Report(new SearchProgress { Algorithm = Algorithm, Generation = ++batches, Visited = visits.Count });
        }
        foreach (var genome in space.Enumerate())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!options.Constraints.IsFeasible(space, genome)) continue;
            batch.Add(genome);
            if (batch.Count == options.BatchSize) Flush();
        }
        Flush();
        if (visits.Count == 0) throw new InvalidOperationException($"No architecture of space '{space.Name}' meets the parameter/FLOPs caps.");
        int best = FreeReaRanking.OrderBestFirst(visits.Select(v => v.Values).ToArray())[0];
        double cost = visits.Sum(v => v.CostSeconds);
        return SearchResults.Build(Algorithm, space, options.Constraints.Dataset, options.Seed, run.Benchmark, visits, best, batches, "exhausted", clock.Elapsed, cost / 60);
    }
}
