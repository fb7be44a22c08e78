using NasPS.Spaces;

namespace NasPS.Search;

/// <summary>One architecture a search visited: plain values only, so results survive serialisation and remoting.</summary>
public sealed class SearchRecord
{
    /// <summary>0-based position in visit order.</summary>
    public required int Order { get; init; }
    public required string Architecture { get; init; }
    public long? Index { get; init; }
    public required string Hash { get; init; }
    /// <summary>The generation (search step) in which it was first visited; 0 is the initial population.</summary>
    public required int Generation { get; init; }
    /// <summary>The search phase that visited it (cyclic search: "cycle 2 topology", "cycle 2 size"); null for single-phase searches.</summary>
    public string? Phase { get; init; }
    public long Parameters { get; init; }
    public long Flops { get; init; }
    /// <summary>Metric values by name, in the scorer's order.</summary>
    public required IReadOnlyDictionary<string, double> Scores { get; init; }
    /// <summary>Seconds charged for scoring it.</summary>
    public double CostSeconds { get; init; }
    /// <summary>Benchmark test accuracy (%) when a benchmark table was given.</summary>
    public double? TestAccuracy { get; init; }
}

/// <summary>What a search returns.</summary>
public sealed class SearchResult
{
    public required string Algorithm { get; init; }
    public required string Space { get; init; }
    public required string Dataset { get; init; }
    public required ulong Seed { get; init; }
    /// <summary>The answer, as a genome of the space.</summary>
    public required Genome BestGenome { get; init; }
    /// <summary>The answer's record (also found in <see cref="History"/>).</summary>
    public required SearchRecord Best { get; init; }
    /// <summary>Every architecture scored, in visit order.</summary>
    public required IReadOnlyList<SearchRecord> History { get; init; }
    /// <summary>Search steps completed: generations (FreeREA), phases (cyclic), scoring batches (exhaustive), 1 (random).</summary>
    public int Steps { get; init; }
    /// <summary>Σ of the scorer's cost over the history, seconds.</summary>
    public double ProxyCostSeconds { get; init; }
    /// <summary>Wall-clock time of the search, including the time before any resume.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>Budget used under the configured accounting, minutes.</summary>
    public double BudgetUsedMinutes { get; init; }
    /// <summary>Why it stopped: "budget", "max-steps", "stalled" (no new feasible architecture could be made), "converged" and
    /// "max-cycles" (cyclic), "exhausted" (every sampled or enumerated architecture scored).</summary>
    public required string StopReason { get; init; }
}

/// <summary>Reported after every search step; callers (cmdlets, CLI) throttle it.</summary>
public sealed record SearchProgress
{
    public required string Algorithm { get; init; }
    public string? Phase { get; init; }
    public int Generation { get; init; }
    public int Visited { get; init; }
    public double BudgetUsedMinutes { get; init; }
    public double BudgetMinutes { get; init; }
    public string? BestArchitecture { get; init; }
    /// <summary>The best's aggregated score over the history (FreeREA normalisation).</summary>
    public double BestScore { get; init; }
}
