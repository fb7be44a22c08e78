using NasPS.Randomness;
using NasPS.Search.Scoring;
using NasPS.Spaces;

namespace NasPS.Search;

/// <summary>Settings of one FreeREA-style evolution (a whole FreeREA run, or one phase of the cyclic search).</summary>
internal sealed record EvolutionSettings(int PopulationSize, int TournamentSize, SearchConstraints Constraints, int StallLimit, ulong ScorerSeed)
{
    public void Validate()
    {
        if (PopulationSize < 2) throw new ArgumentOutOfRangeException(nameof(PopulationSize), PopulationSize, "The population needs at least 2 members.");
        if (TournamentSize < 2) throw new ArgumentOutOfRangeException(nameof(TournamentSize), TournamentSize, "The tournament needs at least 2 members.");
        if (StallLimit < 1) throw new ArgumentOutOfRangeException(nameof(StallLimit), StallLimit, "The stall limit must be at least 1.");
        Constraints.Validate();
    }
}

/// <summary>
/// The state machine of FreeREA's released search (<c>search.py</c>, <c>pruning.py</c>, <c>nas_utils.py</c>; spec §4.1),
/// one step at a time, so callers own the budget loop, checkpoints and progress.
/// <para>The history holds every feasible architecture visited, in visit order, each scored once. The population
/// is a list of history positions. Python iterates a <c>set</c> when it deduplicates the population, which gives a
/// hash-dependent order; NasPS keeps first-occurrence order instead (children appended in the order made), so
/// "the first member with the smallest generation" and ties are deterministic.</para>
/// </summary>
internal sealed class Evolution
{
    internal sealed class Entry(Genome genome, IReadOnlyList<double> values, double costSeconds, int visitGeneration)
    {
        public Genome Genome { get; } = genome;
        public IReadOnlyList<double> Values { get; } = values;
        public double CostSeconds { get; } = costSeconds;
        /// <summary>Generation in which it was first visited.</summary>
        public int VisitGeneration { get; } = visitGeneration;
        /// <summary>Its age for age pruning: the generation of its latest (re)visit ("rejuvenation").</summary>
        public int Generation { get; set; } = visitGeneration;
        /// <summary>Only born exemplars are ranked; children are born when the step that made them ends.</summary>
        public bool Born { get; set; }
        public bool InPopulation { get; set; }
    }

    /// <summary>The state at a step boundary, to roll back to when a step is interrupted.</summary>
    internal sealed record Snapshot(int HistoryCount, int[] Generations, bool[] Born, int[] Population, ulong[] RngState, int Step, bool Initialized, bool Stalled);

    private readonly ISearchSpace _space;
    private readonly IEvolutionOperators _operators;
    private readonly IArchitectureScorer _scorer;
    private readonly EvolutionSettings _settings;
    private readonly List<Entry> _history = [];
    private readonly Dictionary<Genome, int> _positions = [];
    private List<int> _population = [];
    private Rng _rng;

    public Evolution(ISearchSpace space, IEvolutionOperators operators, IArchitectureScorer scorer, EvolutionSettings settings, Rng rng)
    {
        settings.Validate();
        _space = space;
        _operators = operators;
        _scorer = scorer;
        _settings = settings;
        _rng = rng;
    }

    /// <summary>Steps completed (the generation of the last children made).</summary>
    public int Step { get; private set; }
    public bool Initialized { get; private set; }
    /// <summary>True when a step made no new population member in <see cref="EvolutionSettings.StallLimit"/> consecutive tries
    /// (the feasible region, or the phase's sub-space, is exhausted); the released code would loop forever.</summary>
    public bool Stalled { get; private set; }
    public IReadOnlyList<Entry> History => _history;
    public IReadOnlyList<int> Population => _population;
    public IReadOnlyList<string> MetricNames => _scorer.MetricNames;

    /// <summary>Σ of the scorer's cost over the history, in visit order.</summary>
    public double HistoryCostSeconds
    {
        get
        {
            double total = 0;
            foreach (var e in _history) total += e.CostSeconds;
            return total;
        }
    }

    /// <summary>Generation 0: N feasible draws (duplicates possible), scored, deduplicated, pruned (§4.1).
    /// <paramref name="seeds"/> (the cyclic search's incumbent) take the first places when feasible.</summary>
    public void Initialize(CancellationToken cancellationToken, IReadOnlyList<Genome>? seeds = null)
    {
        if (Initialized) throw new InvalidOperationException("The evolution is already initialised.");
        var draws = new List<Genome>(_settings.PopulationSize);
        foreach (var seed in seeds ?? [])
            if (draws.Count < _settings.PopulationSize && _settings.Constraints.IsFeasible(_space, seed)) draws.Add(seed);
        while (draws.Count < _settings.PopulationSize)
            draws.Add(_settings.Constraints.DrawFeasible(_space, () => _operators.Sample(_rng)));
        Visit(draws, generation: 0, cancellationToken);
        Prune();
        Initialized = true;
    }

    /// <summary>One step of the released search: repeat (tournament, two mutations and a crossover, history update)
    /// until the population exceeds N, then age pruning and the N best by score.</summary>
    public void RunStep(CancellationToken cancellationToken)
    {
        if (!Initialized) throw new InvalidOperationException("Initialize must run before the first step.");
        if (Stalled) throw new InvalidOperationException("The evolution has stalled.");
        int generation = Step + 1;
        int idle = 0;
        while (_population.Count <= _settings.PopulationSize)
        {
            int before = _population.Count;
            var parents = TournamentParents();
            var children = new List<Genome>(3);
            foreach (var parent in parents) children.Add(_operators.Mutate(parent.Genome, _rng));
            if (parents.Count == 2) children.Add(_operators.Crossover(parents[0].Genome, parents[1].Genome, _rng));
            Visit(children.Where(c => _settings.Constraints.IsFeasible(_space, c)).ToList(), generation, cancellationToken);
            if (_population.Count > before) idle = 0;
            else if (++idle >= _settings.StallLimit)
            {
                // Not in the released code (which would loop forever): stop, but prune as a step does so the
                // members found during this step are born and ranked with the rest.
                Stalled = true;
                Prune();
                return;
            }
        }
        Prune();
        Step = generation;
    }

    /// <summary>History position of the best born architecture, normalised over the whole history (FreeREA's answer).</summary>
    public int BestOfHistory()
    {
        var born = BornPositions();
        if (born.Length == 0) throw new InvalidOperationException("The history has no ranked architecture yet.");
        var order = FreeReaRanking.OrderBestFirst(born.Select(i => _history[i].Values).ToArray());
        return born[order[0]];
    }

    /// <summary>The aggregated score of history position <paramref name="position"/> over the born history.</summary>
    public double HistoryScore(int position)
    {
        var born = BornPositions();
        int at = Array.IndexOf(born, position);
        if (at < 0) throw new ArgumentOutOfRangeException(nameof(position), position, "Not a born history position.");
        return FreeReaRanking.Aggregate(born.Select(i => _history[i].Values).ToArray())[at];
    }

    private int[] BornPositions() => Enumerable.Range(0, _history.Count).Where(i => _history[i].Born).ToArray();

    public Snapshot TakeSnapshot() => new(
        _history.Count,
        _history.Select(e => e.Generation).ToArray(),
        _history.Select(e => e.Born).ToArray(),
        _population.ToArray(),
        _rng.GetState(),
        Step, Initialized, Stalled);

    public void Restore(Snapshot snapshot)
    {
        for (int i = _history.Count - 1; i >= snapshot.HistoryCount; i--)
        {
            _positions.Remove(_history[i].Genome);
            _history.RemoveAt(i);
        }
        for (int i = 0; i < _history.Count; i++)
        {
            _history[i].Generation = snapshot.Generations[i];
            _history[i].Born = snapshot.Born[i];
            _history[i].InPopulation = false;
        }
        _population = [.. snapshot.Population];
        foreach (int p in _population) _history[p].InPopulation = true;
        _rng = Rng.FromState(snapshot.RngState);
        Step = snapshot.Step;
        Initialized = snapshot.Initialized;
        Stalled = snapshot.Stalled;
    }

    public EvolutionState ToState() => new()
    {
        Rng = _rng.GetState(),
        Step = Step,
        Initialized = Initialized,
        Stalled = Stalled,
        History = _history.Select(e => new EvolutionState.HistoryEntry
        {
            Architecture = e.Genome.Canonical,
            Values = [.. e.Values],
            CostSeconds = e.CostSeconds,
            VisitGeneration = e.VisitGeneration,
            Generation = e.Generation,
            Born = e.Born,
        }).ToList(),
        Population = [.. _population],
    };

    public static Evolution FromState(EvolutionState state, ISearchSpace space, IEvolutionOperators operators, IArchitectureScorer scorer, EvolutionSettings settings)
    {
        var evolution = new Evolution(space, operators, scorer, settings, Rng.FromState(state.Rng));
        int metrics = scorer.MetricNames.Count;
        foreach (var h in state.History)
        {
            if (h.Values.Length != metrics)
                throw new InvalidDataException($"Checkpoint entry '{h.Architecture}' has {h.Values.Length} metric values, the scorer has {metrics}.");
            var entry = new Evolution.Entry(space.Parse(h.Architecture), h.Values, h.CostSeconds, h.VisitGeneration) { Generation = h.Generation, Born = h.Born };
            if (!evolution._positions.TryAdd(entry.Genome, evolution._history.Count))
                throw new InvalidDataException($"Checkpoint history lists '{h.Architecture}' twice.");
            evolution._history.Add(entry);
        }
        foreach (int p in state.Population)
        {
            if ((uint)p >= (uint)evolution._history.Count || evolution._history[p].InPopulation)
                throw new InvalidDataException($"Checkpoint population member {p} is not a distinct history position.");
            evolution._history[p].InPopulation = true;
            evolution._population.Add(p);
        }
        evolution.Step = state.Step;
        evolution.Initialized = state.Initialized;
        evolution.Stalled = state.Stalled;
        return evolution;
    }

    /// <summary>The two best born members of a tournament of distinct population members drawn uniformly.</summary>
    private List<Entry> TournamentParents()
    {
        int size = Math.Min(_settings.TournamentSize, _population.Count);
        var pool = _population.ToArray();
        for (int i = 0; i < size; i++)
        {
            int j = i + _rng.NextInt(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        var born = pool.Take(size).Select(p => _history[p]).Where(e => e.Born).ToList();
        var order = FreeReaRanking.OrderBestFirst(born.Select(e => e.Values).ToArray());
        return order.Take(2).Select(i => born[i]).ToList();
    }

    /// <summary>Adds feasible architectures of <paramref name="generation"/>: new ones are scored and enter the
    /// history; known ones take the new generation (rejuvenation) and return to the population if they had left it.</summary>
    private void Visit(List<Genome> genomes, int generation, CancellationToken cancellationToken)
    {
        var fresh = genomes.Where(g => !_positions.ContainsKey(g)).Distinct().ToList();
        if (fresh.Count > 0)
        {
            var scores = _scorer.Score(fresh, _settings.ScorerSeed, cancellationToken);
            if (scores.Count != fresh.Count) throw new InvalidOperationException($"The scorer returned {scores.Count} results for {fresh.Count} architectures.");
            for (int i = 0; i < fresh.Count; i++)
            {
                if (scores[i].Values.Count != _scorer.MetricNames.Count)
                    throw new InvalidOperationException($"The scorer returned {scores[i].Values.Count} values for '{fresh[i].Canonical}', expected {_scorer.MetricNames.Count}.");
                _positions.Add(fresh[i], _history.Count);
                _history.Add(new Entry(fresh[i], scores[i].Values, scores[i].CostSeconds, generation));
            }
        }
        foreach (var genome in genomes)
        {
            int position = _positions[genome];
            var entry = _history[position];
            entry.Generation = generation;
            if (!entry.InPopulation)
            {
                entry.InPopulation = true;
                _population.Add(position);
            }
        }
    }

    /// <summary>Age pruning of exactly one oldest member (when ages differ and the population is over N), then every
    /// member is born and the N best by score survive, in score order.</summary>
    private void Prune()
    {
        int n = _settings.PopulationSize;
        if (_population.Count > n)
        {
            int min = _population.Min(p => _history[p].Generation), max = _population.Max(p => _history[p].Generation);
            if (min != max)
            {
                int oldest = _population.FindIndex(p => _history[p].Generation == min);
                _history[_population[oldest]].InPopulation = false;
                _population.RemoveAt(oldest);
            }
        }
        foreach (int p in _population) _history[p].Born = true;
        if (_population.Count > n)
        {
            var order = FreeReaRanking.OrderBestFirst(_population.Select(p => _history[p].Values).ToArray());
            var kept = order.Take(n).Select(i => _population[i]).ToList();
            foreach (int p in _population) _history[p].InPopulation = false;
            foreach (int p in kept) _history[p].InPopulation = true;
            _population = kept;
        }
    }
}

/// <summary>The serialisable state of an <see cref="Evolution"/> at a step boundary (checkpoints).</summary>
public sealed class EvolutionState
{
    public ulong[] Rng { get; set; } = [];
    public int Step { get; set; }
    public bool Initialized { get; set; }
    public bool Stalled { get; set; }
    public List<HistoryEntry> History { get; set; } = [];
    /// <summary>Population members as history positions, in population order.</summary>
    public List<int> Population { get; set; } = [];

    public sealed class HistoryEntry
    {
        public string Architecture { get; set; } = "";
        public double[] Values { get; set; } = [];
        public double CostSeconds { get; set; }
        public int VisitGeneration { get; set; }
        public int Generation { get; set; }
        public bool Born { get; set; }
    }
}
