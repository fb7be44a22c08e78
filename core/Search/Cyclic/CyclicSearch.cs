using System.Diagnostics;
using System.Text.Json.Serialization;
using NasPS.Randomness;
using NasPS.Search.Scoring;
using NasPS.Spaces;

namespace NasPS.Search.Cyclic;

/// <summary>One phase's evolution settings (FreeREA machinery, §4.1, restricted to one factor).</summary>
public sealed record CyclicPhaseOptions
{
    public int PopulationSize { get; init; }
    public int TournamentSize { get; init; }
    /// <summary>The phase continues while its own budget used is ≤ this many minutes (at least one step runs).</summary>
    public double BudgetMinutes { get; init; }
}

public sealed record CyclicSearchOptions
{
    public required SearchConstraints Constraints { get; init; }
    public CyclicPhaseOptions Topology { get; init; } = new() { PopulationSize = 50, TournamentSize = 10, BudgetMinutes = 0.2 };
    public CyclicPhaseOptions Size { get; init; } = new() { PopulationSize = 10, TournamentSize = 5, BudgetMinutes = 0.05 };
    /// <summary>Budget of the whole search, minutes; it is checked before every step of every phase. +∞: no time budget.</summary>
    public double BudgetMinutes { get; init; } = 0.75;
    /// <summary>Optional cap on architectures scored over all phases (an architecture scored in two phases counts
    /// twice, as it is paid twice); checked before every step of every phase.</summary>
    public int? MaxEvaluations { get; init; }
    public BudgetAccounting Accounting { get; init; } = BudgetAccounting.ProxyCost;
    public ulong Seed { get; init; }
    public int MaxCycles { get; init; } = 10;
    /// <summary>Tries without a new population member before a phase ends as exhausted (small factors exhaust quickly).</summary>
    public int StallLimit { get; init; } = 100;

    internal void Validate()
    {
        Constraints.Validate();
        Budget.ValidateMinutes(BudgetMinutes);
        Budget.ValidateMaxEvaluations(MaxEvaluations);
        if (MaxCycles < 1) throw new ArgumentOutOfRangeException(nameof(MaxCycles), MaxCycles, "At least one cycle is required.");
        foreach (var phase in new[] { Topology, Size }) Budget.ValidateMinutes(phase.BudgetMinutes);
    }

    internal EvolutionSettings Settings(CyclicPhase phase)
    {
        var p = phase == CyclicPhase.Topology ? Topology : Size;
        return new EvolutionSettings(p.PopulationSize, p.TournamentSize, Constraints, StallLimit, Seed);
    }
}

public enum CyclicPhase
{
    Topology,
    Size,
}

/// <summary>
/// The project's cyclic search (spec §7.2, a project definition, not a published algorithm): starting from a random
/// size assignment, alternate a <b>topology phase</b> (size genes fixed; FreeREA evolution over the topology genes,
/// ranked by the topology scorer) and a <b>size phase</b> (topology fixed; FreeREA evolution over the size genes that
/// topology uses, ranked by the size scorer). Each phase starts from the current architecture plus random draws and
/// ends on its own budget, when its factor is exhausted, or when the total budget is spent; its best (over its history,
/// FreeREA's rule) becomes the current architecture. The search ends when a whole cycle leaves the architecture
/// unchanged ("converged"), after <see cref="CyclicSearchOptions.MaxCycles"/>, or when the budget is spent.
/// Each phase charges its own evaluations: an architecture scored by both scorers is paid twice.
/// </summary>
public static class CyclicSearch
{
    public const string Algorithm = "Cyclic";

    public static SearchResult Run(IFactoredSearchSpace space, IArchitectureScorer topologyScorer, IArchitectureScorer sizeScorer,
        CyclicSearchOptions options, SearchRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        // A feasible start: with caps, a phase holding an infeasible factor fixed may have no feasible architecture at all
        // (HybridEdge sizes that exceed the budget under every topology). Without caps the first draw is kept, as before.
        var start = new Rng(options.Seed).Fork(0);
        var initial = space.Split(options.Constraints.DrawFeasible(space.Space, () => space.Space.Sample(start)));
        var state = new CyclicRun.State { Cycle = 1, Phase = CyclicPhase.Topology, Topology = initial.Topology, Size = initial.Size };
        state.CycleStart = space.Join(state.Topology, state.Size).Canonical;
        return new CyclicRun(space, topologyScorer, sizeScorer, options, run ?? new SearchRunOptions(), state, evolution: null, TimeSpan.Zero).Execute(cancellationToken);
    }

    public static SearchResult Resume(string checkpointPath, IFactoredSearchSpace space, IArchitectureScorer topologyScorer, IArchitectureScorer sizeScorer,
        CyclicSearchOptions options, SearchRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var document = SearchCheckpoint.Read<CyclicCheckpoint>(checkpointPath, Algorithm);
        SearchCheckpoint.RequireSameConfig(checkpointPath, document.Config, CyclicCheckpoint.ConfigOf(space, topologyScorer, sizeScorer, options));
        var state = document.Run;
        Evolution? evolution = null;
        if (document.PhaseState is { } phaseState)
        {
            var scorer = state.Phase == CyclicPhase.Topology ? topologyScorer : sizeScorer;
            evolution = Evolution.FromState(phaseState, space.Space, CyclicRun.Operators(space, state), scorer, options.Settings(state.Phase));
        }
        return new CyclicRun(space, topologyScorer, sizeScorer, options, run ?? new SearchRunOptions(), state, evolution, TimeSpan.FromSeconds(document.ElapsedSeconds))
            .Execute(cancellationToken);
    }
}

/// <summary>One execution of the cyclic search, from a fresh or a resumed state.</summary>
internal sealed class CyclicRun(IFactoredSearchSpace space, IArchitectureScorer topologyScorer, IArchitectureScorer sizeScorer,
    CyclicSearchOptions options, SearchRunOptions run, CyclicRun.State state, Evolution? evolution, TimeSpan elapsedBefore)
{
    /// <summary>Everything but the running phase's evolution; serialised as is into checkpoints.</summary>
    public sealed class State
    {
        public int Cycle { get; set; }
        public CyclicPhase Phase { get; set; }
        public int[] Topology { get; set; } = [];
        public int[] Size { get; set; } = [];
        /// <summary>The architecture when the current cycle began, to detect a cycle that changed nothing.</summary>
        public string CycleStart { get; set; } = "";
        /// <summary>Wall time at the start of the running phase, for wall-clock phase budgets.</summary>
        public double PhaseStartElapsedSeconds { get; set; }
        /// <summary>Visits of the finished phases, in order.</summary>
        public List<Visit> Visits { get; set; } = [];
        /// <summary>Position in <see cref="Visits"/> of the current architecture's record (−1 before any phase ended).</summary>
        public int Current { get; set; } = -1;
        public string? StopReason { get; set; }
    }

    public sealed class Visit
    {
        public string Architecture { get; set; } = "";
        public CyclicPhase Phase { get; set; }
        public int Cycle { get; set; }
        public int Generation { get; set; }
        public double[] Values { get; set; } = [];
        public double CostSeconds { get; set; }
    }

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan Elapsed => elapsedBefore + _clock.Elapsed;
    private double _finishedCost = SumInOrder(state.Visits);

    /// <summary>Summed in visit order, exactly as the running total was accumulated, so a resume charges the same.</summary>
    private static double SumInOrder(List<Visit> visits)
    {
        double total = 0;
        foreach (var v in visits) total += v.CostSeconds;
        return total;
    }

    public static IEvolutionOperators Operators(IFactoredSearchSpace space, State s) =>
        s.Phase == CyclicPhase.Topology ? FactorOperators.Topology(space, s.Size) : FactorOperators.Size(space, s.Topology, s.Size);

    private IArchitectureScorer ScorerOf(CyclicPhase phase) => phase == CyclicPhase.Topology ? topologyScorer : sizeScorer;

    public SearchResult Execute(CancellationToken cancellationToken)
    {
        var boundary = (Phase: evolution?.TakeSnapshot(), Elapsed: elapsedBefore);
        try
        {
            while (state.StopReason is null)
            {
                if (evolution is null)
                {
                    state.PhaseStartElapsedSeconds = Elapsed.TotalSeconds;
                    var phaseSeed = new Rng(options.Seed).Fork((ulong)(2 * state.Cycle + (state.Phase == CyclicPhase.Size ? 1 : 0)));
                    evolution = new Evolution(space.Space, Operators(space, state), ScorerOf(state.Phase), options.Settings(state.Phase), phaseSeed);
                    boundary = (evolution.TakeSnapshot(), Elapsed);
                }
                RunPhase(evolution, cancellationToken, ref boundary);
                FinishPhase(evolution);
                evolution = null;
                boundary = (null, Elapsed);
                Save(boundary.Elapsed, null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (evolution is not null && boundary.Phase is not null) evolution.Restore(boundary.Phase);
            Save(boundary.Elapsed, evolution);
            throw;
        }
        return Result();
    }

    private void RunPhase(Evolution phase, CancellationToken cancellationToken, ref (Evolution.Snapshot? Phase, TimeSpan Elapsed) boundary)
    {
        var phaseOptions = state.Phase == CyclicPhase.Topology ? options.Topology : options.Size;
        if (run.CheckpointEverySteps < 1) throw new ArgumentOutOfRangeException(nameof(run), run.CheckpointEverySteps, "CheckpointEverySteps must be at least 1.");
        if (!phase.Initialized)
        {
            phase.Initialize(cancellationToken, [space.Join(state.Topology, state.Size)]);
            boundary = (phase.TakeSnapshot(), Elapsed);
        }
        while (!phase.Stalled)
        {
            var elapsed = boundary.Elapsed;
            double phaseUsed = Budget.UsedMinutes(options.Accounting, phase.HistoryCostSeconds, elapsed - TimeSpan.FromSeconds(state.PhaseStartElapsedSeconds));
            if (TotalUsed(phase, elapsed) > options.BudgetMinutes || (phase.Step > 0 && phaseUsed > phaseOptions.BudgetMinutes)
                || Budget.EvaluationsSpent(options.MaxEvaluations, state.Visits.Count + phase.History.Count)) break;
            phase.RunStep(cancellationToken);
            boundary = (phase.TakeSnapshot(), Elapsed);
            if (phase.Step % run.CheckpointEverySteps == 0) Save(boundary.Elapsed, phase);
            if (run.Progress is null) continue;
            int best = phase.BestOfHistory();
            run.Progress.Report(new SearchProgress
            {
                Algorithm = CyclicSearch.Algorithm,
                Phase = $"cycle {state.Cycle} {state.Phase.ToString().ToLowerInvariant()}",
                Generation = phase.Step,
                Visited = state.Visits.Count + phase.History.Count,
                BudgetUsedMinutes = TotalUsed(phase, boundary.Elapsed),
                BudgetMinutes = options.BudgetMinutes,
                BestArchitecture = phase.History[best].Genome.Canonical,
                BestScore = phase.HistoryScore(best),
            });
        }
    }

    private double TotalUsed(Evolution? phase, TimeSpan elapsed) =>
        Budget.UsedMinutes(options.Accounting, _finishedCost + (phase?.HistoryCostSeconds ?? 0), elapsed);

    /// <summary>The phase's best becomes the current architecture; then the next phase, cycle, or the end.</summary>
    private void FinishPhase(Evolution phase)
    {
        int best = phase.BestOfHistory();
        for (int i = 0; i < phase.History.Count; i++)
        {
            var e = phase.History[i];
            if (i == best) state.Current = state.Visits.Count;
            state.Visits.Add(new Visit
            {
                Architecture = e.Genome.Canonical, Phase = state.Phase, Cycle = state.Cycle, Generation = e.VisitGeneration,
                Values = [.. e.Values], CostSeconds = e.CostSeconds,
            });
            _finishedCost += e.CostSeconds;
        }
        var (topology, size) = space.Split(phase.History[best].Genome);
        if (state.Phase == CyclicPhase.Topology)
        {
            state.Topology = topology;
            state.Phase = CyclicPhase.Size;
        }
        else
        {
            // Keep the unused size genes: they are the sizes a later topology phase gives to new operations.
            for (int i = 0; i < size.Length; i++)
                if (space.IsSizeGeneActive(state.Topology, i)) state.Size[i] = size[i];
            string current = space.Join(state.Topology, state.Size).Canonical;
            if (current == state.CycleStart) state.StopReason = "converged";
            else if (state.Cycle >= options.MaxCycles) state.StopReason = "max-cycles";
            state.Cycle++;
            state.CycleStart = current;
            state.Phase = CyclicPhase.Topology;
        }
        if (state.StopReason is null && TotalUsed(null, Elapsed) > options.BudgetMinutes) state.StopReason = "budget";
        if (state.StopReason is null && Budget.EvaluationsSpent(options.MaxEvaluations, state.Visits.Count)) state.StopReason = "max-evaluations";
    }

    private void Save(TimeSpan elapsed, Evolution? phase)
    {
        if (run.CheckpointPath is not { } path) return;
        SearchCheckpoint.Write(path, new CyclicCheckpoint
        {
            Config = CyclicCheckpoint.ConfigOf(space, topologyScorer, sizeScorer, options),
            ElapsedSeconds = elapsed.TotalSeconds,
            Run = state,
            PhaseState = phase?.ToState(),
        });
    }

    private SearchResult Result()
    {
        var visits = state.Visits.Select(v => new SearchVisit(space.Space.Parse(v.Architecture), ScorerOf(v.Phase).MetricNames, v.Values, v.CostSeconds,
            v.Generation, $"cycle {v.Cycle} {v.Phase.ToString().ToLowerInvariant()}")).ToList();
        int steps = state.Visits.Select(v => (v.Cycle, v.Phase)).Distinct().Count();
        return SearchResults.Build(CyclicSearch.Algorithm, space.Space, options.Constraints.Dataset, options.Seed, run.Benchmark, visits,
            state.Current, steps, state.StopReason!, Elapsed, TotalUsed(null, Elapsed));
    }
}

/// <summary>The JSON document of a cyclic-search checkpoint.</summary>
internal sealed class CyclicCheckpoint : ICheckpointDocument
{
    public string Format { get; set; } = SearchCheckpoint.Format;
    public int Version { get; set; } = SearchCheckpoint.Version;
    public string Algorithm { get; set; } = CyclicSearch.Algorithm;
    public ConfigSection Config { get; set; } = new();
    public double ElapsedSeconds { get; set; }
    public CyclicRun.State Run { get; set; } = new();
    /// <summary>The running phase's evolution at its last step boundary; null between phases.</summary>
    public EvolutionState? PhaseState { get; set; }

    public sealed class ConfigSection
    {
        public string Space { get; set; } = "";
        /// <summary><see cref="ISearchSpace.Settings"/>; absent for spaces without settings (older checkpoints stay valid).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? SpaceSettings { get; set; }
        public string Dataset { get; set; } = "";
        public long? MaxParameters { get; set; }
        public long? MaxFlops { get; set; }
        public string[] TopologyMetrics { get; set; } = [];
        public string[] SizeMetrics { get; set; } = [];
        public CyclicPhaseOptions Topology { get; set; } = new();
        public CyclicPhaseOptions Size { get; set; } = new();
        public double BudgetMinutes { get; set; }
        public int? MaxEvaluations { get; set; }
        public BudgetAccounting Accounting { get; set; }
        public ulong Seed { get; set; }
        public int MaxCycles { get; set; }
        public int StallLimit { get; set; }
    }

    public static ConfigSection ConfigOf(IFactoredSearchSpace space, IArchitectureScorer topologyScorer, IArchitectureScorer sizeScorer, CyclicSearchOptions o) => new()
    {
        Space = space.Space.Name,
        SpaceSettings = space.Space.Settings,
        Dataset = o.Constraints.Dataset.ShortName(),
        MaxParameters = o.Constraints.MaxParameters,
        MaxFlops = o.Constraints.MaxFlops,
        TopologyMetrics = [.. topologyScorer.MetricNames],
        SizeMetrics = [.. sizeScorer.MetricNames],
        Topology = o.Topology,
        Size = o.Size,
        BudgetMinutes = o.BudgetMinutes,
        MaxEvaluations = o.MaxEvaluations,
        Accounting = o.Accounting,
        Seed = o.Seed,
        MaxCycles = o.MaxCycles,
        StallLimit = o.StallLimit,
    };
}
