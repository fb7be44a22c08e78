using System.Diagnostics;
using NasPS.Randomness;
using NasPS.Search.Scoring;
using NasPS.Spaces;

namespace NasPS.Search;

public sealed record RandomSearchOptions
{
    public required SearchConstraints Constraints { get; init; }
    /// <summary>N: feasible architectures drawn (10 or 100 in NASWOT's experiments).</summary>
    public int Samples { get; init; } = 100;
    public ulong Seed { get; init; }
    /// <summary>Optional cap on distinct architectures scored: drawing stops at N draws or this many distinct ones,
    /// whichever comes first (so "best of the first k distinct samples").</summary>
    public int? MaxEvaluations { get; init; }
}

/// <summary>
/// NASWOT's search (BayesWatch/nas-without-training, <c>search.py</c>; spec §4.3): draw N architectures uniformly
/// with replacement, score them, return the best. Infeasible draws (parameter/FLOPs caps) are redrawn; a repeated
/// draw is scored once. With several metrics "best" is FreeREA's aggregated score over the sample; ties go to the
/// earliest draw.
/// </summary>
public static class RandomSearch
{
    public const string Algorithm = "Random";

    public static SearchResult Run(ISearchSpace space, IArchitectureScorer scorer, RandomSearchOptions options,
        SearchRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        if (options.Samples < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Samples, "Samples must be at least 1.");
        options.Constraints.Validate();
        Budget.ValidateMaxEvaluations(options.MaxEvaluations);
        run ??= new SearchRunOptions();
        SearchCheckpoint.RejectCheckpointPath(run, Algorithm);
        var clock = Stopwatch.StartNew();
        var rng = new Rng(options.Seed);
        var distinct = new List<Genome>();
        var seen = new HashSet<Genome>();
        for (int draw = 0; draw < options.Samples && !Budget.EvaluationsSpent(options.MaxEvaluations, distinct.Count); draw++)
        {
            var genome = options.Constraints.DrawFeasible(space, () => space.Sample(rng));
            if (seen.Add(genome)) distinct.Add(genome);
        }
        var scores = scorer.Score(distinct, options.Seed, cancellationToken);
        var visits = distinct.Select((g, i) => new SearchVisit(g, scorer.MetricNames, scores[i].Values, scores[i].CostSeconds, Generation: 0, Phase: null)).ToList();
        int best = FreeReaRanking.OrderBestFirst(visits.Select(v => v.Values).ToArray())[0];
        double cost = visits.Sum(v => v.CostSeconds);
        run.Progress?.Report(new SearchProgress
        {
            Algorithm = Algorithm, Generation = 1, Visited = visits.Count, BudgetUsedMinutes = cost / 60,
            BestArchitecture = visits[best].Genome.Canonical, BestScore = FreeReaRanking.Aggregate(visits.Select(v => v.Values).ToArray())[best],
        });
        return SearchResults.Build(Algorithm, space, options.Constraints.Dataset, options.Seed, run.Benchmark, visits, best, steps: 1,
            Budget.EvaluationsSpent(options.MaxEvaluations, distinct.Count) ? "max-evaluations" : "exhausted", clock.Elapsed, cost / 60);
    }
}
