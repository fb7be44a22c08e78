using NasPS.Benchmarks;
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Search.Cyclic;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using NasPS.Spaces.NasBench201;

namespace NasPS.Search;

/// <summary>The searches users can start by name.</summary>
public enum SearchMethod
{
    /// <summary>FreeREA (spec §4.1): NASWOT + LogSynflow + skip by default.</summary>
    FreeRea,
    /// <summary>SWAP-NAS as NasPS defines it: FreeREA's evolution ranked by regularised SWAP alone (docs/searches.md).</summary>
    SwapNas,
    /// <summary>Cyclic topology/size search (spec §7.2).</summary>
    Cyclic,
    /// <summary>Best of N uniform samples (NASWOT's protocol).</summary>
    Random,
    /// <summary>Score the whole finite space with the data-free SED-inspired proxy and return the best feasible architecture.</summary>
    Sed,
}

/// <summary>Everything a user states about one search run; defaults per method are filled in by <see cref="SearchLauncher"/>.</summary>
public sealed record SearchRequest
{
    public required SearchMethod Method { get; init; }
    public required ISearchSpace Space { get; init; }
    public Dataset Dataset { get; init; } = Dataset.Cifar10;
    public ulong Seed { get; init; }
    public long? MaxParameters { get; init; }
    public long? MaxFlops { get; init; }
    /// <summary>Budget in minutes (FreeREA's default 0.75); null: the method's default, or no time budget when
    /// <see cref="MaxEvaluations"/> is given.</summary>
    public double? BudgetMinutes { get; init; }
    /// <summary>Cap on distinct architectures scored (FreeREA, SWAP-NAS, cyclic, random); reproducible on any machine.</summary>
    public int? MaxEvaluations { get; init; }
    /// <summary>Proxies to rank by (the topology phase for cyclic); null: the method's default (<see cref="SearchLauncher.DefaultProxies"/>).</summary>
    public IReadOnlyList<string>? Proxies { get; init; }
    /// <summary>Cyclic only: proxies of the size phase; null: LogSynflow.</summary>
    public IReadOnlyList<string>? SizeProxies { get; init; }
    /// <summary>Score with FreeREA's cached NB201 values instead of live proxies (NASWOT, LogSynflow; skip is computed).</summary>
    public CachedProxyTable? CachedProxies { get; init; }
    public BenchmarkTable? Benchmark { get; init; }
    public ImageBatch? Input { get; init; }
    /// <summary>SWAP-NAS: the model size (trainable parameters) the regularised SWAP score favours; null: SwapProxy's
    /// default μ. Replaces the <c>swap-reg</c> proxy by <see cref="SwapProxy.ForTargetSize"/>.</summary>
    public long? TargetParameters { get; init; }
    /// <summary>Random search: how many architectures to sample.</summary>
    public int Samples { get; init; } = 100;
    public int ThrottleLimit { get; init; } = 1;
    public string? CheckpointPath { get; init; }
    public bool Resume { get; init; }
    public IProgress<SearchProgress>? Progress { get; init; }
    /// <summary>Reports how far live scoring is through each batch (the innermost progress bar); cached values are instant.</summary>
    public IProgress<ScoringProgress>? ScoringProgress { get; init; }
}

/// <summary>Starts (or resumes) the search a <see cref="SearchRequest"/> describes: the one place that maps names,
/// defaults and scorers onto the algorithms, for the cmdlets and the CLI alike.</summary>
public static class SearchLauncher
{
    public static IReadOnlyList<string> DefaultProxies(SearchMethod method) => method switch
    {
        SearchMethod.FreeRea => ["naswot", "logsynflow", "skip"],
        SearchMethod.Cyclic => ["entropic"], // the topology phase, live; the size phase ranks by LogSynflow
        SearchMethod.SwapNas => ["swap-reg"],
        SearchMethod.Random => ["naswot"],
        SearchMethod.Sed => ["sed"],
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static SearchResult Run(SearchRequest request, CancellationToken cancellation = default)
    {
        var constraints = new SearchConstraints { Dataset = request.Dataset, MaxParameters = request.MaxParameters, MaxFlops = request.MaxFlops };
        var run = new SearchRunOptions { Benchmark = request.Benchmark, Progress = request.Progress, CheckpointPath = request.CheckpointPath };
        if (request.Resume && request.CheckpointPath is null) throw new ArgumentException("Resuming needs the checkpoint path of the interrupted run.");
        if (request.Resume && !File.Exists(request.CheckpointPath))
            throw new FileNotFoundException($"There is no checkpoint to resume at '{request.CheckpointPath}'.", request.CheckpointPath);
        // Proxy cost is machine-independent on cached values; live proxies are charged their wall time once.
        var accounting = request.CachedProxies is null ? BudgetAccounting.WallClock : BudgetAccounting.ProxyCost;
        // An evaluation budget alone bounds the run; FreeREA's 0.75 min applies only when neither is given.
        double budgetMinutes = request.BudgetMinutes ?? (request.MaxEvaluations is null ? 0.75 : double.PositiveInfinity);

        switch (request.Method)
        {
            case SearchMethod.FreeRea or SearchMethod.SwapNas:
            {
                var options = new FreeReaOptions
                {
                    Constraints = constraints, Seed = request.Seed, Accounting = accounting, BudgetMinutes = budgetMinutes, MaxEvaluations = request.MaxEvaluations,
                };
                var scorer = Scorer(request, request.Proxies ?? DefaultProxies(request.Method));
                return request.Resume
                    ? FreeRea.Resume(request.CheckpointPath!, request.Space, scorer, options, run, cancellation)
                    : FreeRea.Run(request.Space, scorer, options, run, cancellation);
            }
            case SearchMethod.Cyclic:
            {
                IFactoredSearchSpace factored = request.Space switch
                {
                    HybridEdgeSpace hybrid => new HybridEdgeFactoredSpace(hybrid),
                    _ when request.Space.Name == NasBench201Space.SpaceName => Nb201FactoredSpace.Instance,
                    _ => throw new NotSupportedException($"The cyclic search needs a space that separates topology from size; {request.Space.Name} does not (yet)."),
                };
                // Live, topology is ranked by the Entropic Score (spec §7.2); FreeREA's cached table has no entropic
                // column, so cached runs rank topology by NASWOT + skip, the setting validated on cached values.
                var topology = Scorer(request, request.Proxies ?? (request.CachedProxies is null ? DefaultProxies(SearchMethod.Cyclic) : ["naswot", "skip"]));
                var size = Scorer(request, request.SizeProxies ?? ["logsynflow"]);
                var options = new CyclicSearchOptions
                {
                    Constraints = constraints, Seed = request.Seed, Accounting = accounting, BudgetMinutes = budgetMinutes, MaxEvaluations = request.MaxEvaluations,
                };
                return request.Resume
                    ? CyclicSearch.Resume(request.CheckpointPath!, factored, topology, size, options, run, cancellation)
                    : CyclicSearch.Run(factored, topology, size, options, run, cancellation);
            }
            case SearchMethod.Random:
                RejectCheckpoint(request);
                return RandomSearch.Run(request.Space, Scorer(request, request.Proxies ?? DefaultProxies(request.Method)),
                    new RandomSearchOptions { Constraints = constraints, Samples = request.Samples, Seed = request.Seed, MaxEvaluations = request.MaxEvaluations }, run, cancellation);
            case SearchMethod.Sed:
                RejectCheckpoint(request);
                if (request.MaxEvaluations is not null)
                    throw new ArgumentException("The SED search scores the whole space analytically in about a second; it takes no evaluation budget (MaxEvaluations).");
                // Closed-form scores of the whole space in about a second: no scoring bar, which would only slow it.
                return ExhaustiveSearch.Run(request.Space, Scorer(request with { ScoringProgress = null }, request.Proxies ?? DefaultProxies(request.Method)),
                    new ExhaustiveSearchOptions { Constraints = constraints, Seed = request.Seed }, run, cancellation);
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Method, "Unknown search method.");
        }
    }

    private static void RejectCheckpoint(SearchRequest request)
    {
        if (request.CheckpointPath is not null)
            throw new ArgumentException($"A {request.Method} search takes seconds and keeps no state between steps: it has no checkpoint to write or resume.");
    }

    /// <summary>The proxies a live scorer of <paramref name="request"/> runs for <paramref name="names"/>: the registered
    /// ones, with <c>swap-reg</c> centred on the request's <see cref="SearchRequest.TargetParameters"/> when it has one.</summary>
    public static IReadOnlyList<IZeroCostProxy> LiveProxies(SearchRequest request, IReadOnlyList<string> names)
    {
        if (request.TargetParameters is not null && request.Method != SearchMethod.SwapNas)
            throw new ArgumentException($"A target size (TargetParameters) steers SWAP-NAS's regularised SWAP score; the {request.Method} search does not use it.");
        return names.Select(name => request.TargetParameters is long target && name.Trim().Equals("swap-reg", StringComparison.OrdinalIgnoreCase)
            ? SwapProxy.ForTargetSize(target)
            : ZeroCostProxies.Get(name)).ToList();
    }

    /// <summary>Cached values where the request gives a table and the proxy is cached there; live proxies otherwise.</summary>
    private static IArchitectureScorer Scorer(SearchRequest request, IReadOnlyList<string> names)
    {
        if (request.CachedProxies is CachedProxyTable table)
        {
            var cached = new List<CachedMetric>();
            var parts = new List<IArchitectureScorer>();
            foreach (var name in names)
            {
                if (name.Equals("naswot", StringComparison.OrdinalIgnoreCase)) cached.Add(CachedMetric.FreeReaNaswot);
                else if (name.Equals("logsynflow", StringComparison.OrdinalIgnoreCase)) cached.Add(CachedMetric.FreeReaLogSynflow);
                else if (name.Equals("skip", StringComparison.OrdinalIgnoreCase)) parts.Add(FreeReaMetrics.Skip);
                else throw new ArgumentException($"The cached table holds naswot and logsynflow (and skip is computed); '{name}' is not cached. Score it live instead.");
            }
            if (cached.Count > 0) parts.Insert(0, new CachedMetricScorer(table, request.Space, request.Dataset, cached));
            return parts.Count == 1 ? parts[0] : new CombinedScorer([.. parts]);
        }
        var live = ProxyScorer.Live(LiveProxies(request, names), request.Dataset, request.Input, request.ThrottleLimit);
        return request.ScoringProgress is null ? live : new ReportingScorer(live, Math.Max(1, request.ThrottleLimit), request.ScoringProgress);
    }
}
