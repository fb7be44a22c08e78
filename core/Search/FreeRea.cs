using System.Diagnostics;
using System.Text.Json.Serialization;
using NasPS.Benchmarks;
using NasPS.Randomness;
using NasPS.Search.Scoring;
using NasPS.Spaces;

namespace NasPS.Search;

/// <summary>FreeREA's hyper-parameters (defaults: <c>run_search.py</c>, NATS-Bench) and NasPS's guards.</summary>
public sealed record FreeReaOptions
{
    public required SearchConstraints Constraints { get; init; }
    /// <summary>N: population kept after each step.</summary>
    public int PopulationSize { get; init; } = 100;
    /// <summary>n: distinct population members drawn per tournament.</summary>
    public int TournamentSize { get; init; } = 25;
    /// <summary>The search continues while the budget used is ≤ this many minutes (0.75 on NATS-Bench); +∞: no time budget.</summary>
    public double BudgetMinutes { get; init; } = 0.75;
    /// <summary>Optional cap on the distinct architectures scored (the history's size), checked at step boundaries: the
    /// search stops at the first boundary where the history holds at least this many. Unlike a time budget it gives
    /// the same run on any machine, however loaded.</summary>
    public int? MaxEvaluations { get; init; }
    public BudgetAccounting Accounting { get; init; } = BudgetAccounting.ProxyCost;
    public ulong Seed { get; init; }
    /// <summary>Optional cap on the number of steps, whatever the budget.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Tries per step without a new population member before the search stops as "stalled".</summary>
    public int StallLimit { get; init; } = 1000;

    internal void Validate()
    {
        Budget.ValidateMinutes(BudgetMinutes);
        Budget.ValidateMaxEvaluations(MaxEvaluations);
        if (MaxSteps is < 0) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "The step cap must be ≥ 0.");
    }

    internal EvolutionSettings Evolution => new(PopulationSize, TournamentSize, Constraints, StallLimit, Seed);
}

/// <summary>How a search run reports and persists itself (none of this changes its result).</summary>
public sealed record SearchRunOptions
{
    /// <summary>When given, records carry the benchmark's test accuracy.</summary>
    public BenchmarkTable? Benchmark { get; init; }
    public IProgress<SearchProgress>? Progress { get; init; }
    /// <summary>When given, the state is written here every <see cref="CheckpointEverySteps"/> steps, at the end, and on cancellation.</summary>
    public string? CheckpointPath { get; init; }
    public int CheckpointEverySteps { get; init; } = 10;
}

/// <summary>
/// FreeREA (Cavagnero et al., WACV 2023), faithful to the released <c>search.py</c> (spec §4.1): tournament of n
/// distinct members, the two best born parents, two mutations and one uniform crossover per try, tries repeated
/// until the population exceeds N, age pruning of exactly one oldest, the N best kept by max-|x|-normalised rank
/// aggregation; the budget is charged with the history's proxy cost (see <see cref="BudgetAccounting"/>); the answer
/// is the best of the whole feasible history, normalised over the history.
/// </summary>
public static class FreeRea
{
    public const string Algorithm = "FreeREA";

    public static SearchResult Run(ISearchSpace space, IArchitectureScorer scorer, FreeReaOptions options,
        SearchRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var evolution = new Evolution(space, new SpaceOperators(space), scorer, options.Evolution, new Rng(options.Seed));
        return Continue(evolution, space, scorer, options, run ?? new SearchRunOptions(), TimeSpan.Zero, cancellationToken);
    }

    /// <summary>Continues the search saved in <paramref name="checkpointPath"/>; <paramref name="options"/> and the
    /// scorer's metrics must equal those it was written with.</summary>
    public static SearchResult Resume(string checkpointPath, ISearchSpace space, IArchitectureScorer scorer, FreeReaOptions options,
        SearchRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var document = SearchCheckpoint.Read<FreeReaCheckpoint>(checkpointPath, Algorithm);
        SearchCheckpoint.RequireSameConfig(checkpointPath, document.Config, FreeReaCheckpoint.ConfigOf(space, scorer, options));
        var evolution = Evolution.FromState(document.State, space, new SpaceOperators(space), scorer, options.Evolution);
        return Continue(evolution, space, scorer, options, run ?? new SearchRunOptions(), TimeSpan.FromSeconds(document.ElapsedSeconds), cancellationToken);
    }

    private static SearchResult Continue(Evolution evolution, ISearchSpace space, IArchitectureScorer scorer, FreeReaOptions options,
        SearchRunOptions run, TimeSpan elapsedBefore, CancellationToken cancellationToken)
    {
        if (run.CheckpointEverySteps < 1) throw new ArgumentOutOfRangeException(nameof(run), run.CheckpointEverySteps, "CheckpointEverySteps must be at least 1.");
        var clock = Stopwatch.StartNew();
        TimeSpan Elapsed() => elapsedBefore + clock.Elapsed;
        var boundary = (State: evolution.TakeSnapshot(), Elapsed: elapsedBefore);
        void Save(TimeSpan elapsed)
        {
            if (run.CheckpointPath is { } path)
                SearchCheckpoint.Write(path, FreeReaCheckpoint.Create(space, scorer, options, evolution.ToState(), elapsed));
        }

        double used = 0;
        try
        {
            if (!evolution.Initialized)
            {
                evolution.Initialize(cancellationToken);
                boundary = (evolution.TakeSnapshot(), Elapsed());
            }
            used = Budget.UsedMinutes(options.Accounting, evolution.HistoryCostSeconds, boundary.Elapsed);
            // The released loop tests `total <= budget` with total = 0 before the first step, so at least one step runs.
            while (!evolution.Stalled && (evolution.Step == 0 || used <= options.BudgetMinutes)
                   && (options.MaxSteps is not { } maxSteps || evolution.Step < maxSteps)
                   && !Budget.EvaluationsSpent(options.MaxEvaluations, evolution.History.Count))
            {
                evolution.RunStep(cancellationToken);
                var elapsed = Elapsed();
                used = Budget.UsedMinutes(options.Accounting, evolution.HistoryCostSeconds, elapsed);
                boundary = (evolution.TakeSnapshot(), elapsed);
                if (evolution.Step % run.CheckpointEverySteps == 0) Save(elapsed);
                run.Progress?.Report(Progress(evolution, options, used));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Roll back the interrupted step: the checkpoint holds the last step boundary, which a resume replays exactly.
            evolution.Restore(boundary.State);
            Save(boundary.Elapsed);
            throw;
        }
        Save(boundary.Elapsed);
        string stop = evolution.Stalled ? "stalled"
            : used > options.BudgetMinutes ? "budget"
            : Budget.EvaluationsSpent(options.MaxEvaluations, evolution.History.Count) ? "max-evaluations"
            : "max-steps";
        var visits = evolution.History.Select(e => new SearchVisit(e.Genome, scorer.MetricNames, e.Values, e.CostSeconds, e.VisitGeneration, Phase: null)).ToList();
        return SearchResults.Build(Algorithm, space, options.Constraints.Dataset, options.Seed, run.Benchmark, visits,
            evolution.BestOfHistory(), evolution.Step, stop, boundary.Elapsed, used);
    }

    private static SearchProgress Progress(Evolution evolution, FreeReaOptions options, double used)
    {
        int best = evolution.BestOfHistory();
        return new SearchProgress
        {
            Algorithm = Algorithm,
            Generation = evolution.Step,
            Visited = evolution.History.Count,
            BudgetUsedMinutes = used,
            BudgetMinutes = options.BudgetMinutes,
            BestArchitecture = evolution.History[best].Genome.Canonical,
            BestScore = evolution.HistoryScore(best),
        };
    }
}

/// <summary>The JSON document of a FreeREA checkpoint.</summary>
internal sealed class FreeReaCheckpoint : ICheckpointDocument
{
    public string Format { get; set; } = SearchCheckpoint.Format;
    public int Version { get; set; } = SearchCheckpoint.Version;
    public string Algorithm { get; set; } = FreeRea.Algorithm;
    public ConfigSection Config { get; set; } = new();
    public double ElapsedSeconds { get; set; }
    public EvolutionState State { get; set; } = new();

    /// <summary>Everything that determines the result; a resume must match it field by field.</summary>
    public sealed class ConfigSection
    {
        public string Space { get; set; } = "";
        /// <summary><see cref="ISearchSpace.Settings"/>; absent for spaces without settings (older checkpoints stay valid).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? SpaceSettings { get; set; }
        public string Dataset { get; set; } = "";
        public long? MaxParameters { get; set; }
        public long? MaxFlops { get; set; }
        public string[] Metrics { get; set; } = [];
        public int PopulationSize { get; set; }
        public int TournamentSize { get; set; }
        public double BudgetMinutes { get; set; }
        public int? MaxEvaluations { get; set; }
        public BudgetAccounting Accounting { get; set; }
        public ulong Seed { get; set; }
        public int? MaxSteps { get; set; }
        public int StallLimit { get; set; }
    }

    public static ConfigSection ConfigOf(ISearchSpace space, IArchitectureScorer scorer, FreeReaOptions o) => new()
    {
        Space = space.Name,
        SpaceSettings = space.Settings,
        Dataset = o.Constraints.Dataset.ShortName(),
        MaxParameters = o.Constraints.MaxParameters,
        MaxFlops = o.Constraints.MaxFlops,
        Metrics = [.. scorer.MetricNames],
        PopulationSize = o.PopulationSize,
        TournamentSize = o.TournamentSize,
        BudgetMinutes = o.BudgetMinutes,
        MaxEvaluations = o.MaxEvaluations,
        Accounting = o.Accounting,
        Seed = o.Seed,
        MaxSteps = o.MaxSteps,
        StallLimit = o.StallLimit,
    };

    public static FreeReaCheckpoint Create(ISearchSpace space, IArchitectureScorer scorer, FreeReaOptions options, EvolutionState state, TimeSpan elapsed) => new()
    {
        Config = ConfigOf(space, scorer, options),
        ElapsedSeconds = elapsed.TotalSeconds,
        State = state,
    };
}
