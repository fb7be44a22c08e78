using System.Diagnostics;
using System.Management.Automation;
using NasPS.Benchmarks;
using NasPS.Data;
using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// The parameters and run loop every Invoke-*Search cmdlet shares. The search runs on the pipeline thread, so its
/// progress callback can write progress directly; Ctrl+C cancels it, and a checkpointing search saves its state first.
/// </summary>
public abstract class SearchCommandBase : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [SearchSpaceTransformation]
    [ArgumentCompleter(typeof(SearchSpaceNameCompleter))]
    public SearchSpaceInfo? Space { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateDataset]
    public string Dataset { get; set; } = "cifar10";

    [Parameter]
    public long Seed { get; set; }

    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long? MaxParameters { get; set; }

    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long? MaxFlops { get; set; }

    /// <summary>Ranking proxies; the method's defaults when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProxyNameCompleter))]
    public string[]? Proxy { get; set; }

    [Parameter]
    public ImageBatch? InputBatch { get; set; }

    /// <summary>Attaches test accuracy to the answer and the history.</summary>
    [Parameter]
    public BenchmarkTable? Benchmark { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    protected abstract SearchMethod Method { get; }

    /// <summary>Method-specific settings on top of the shared ones.</summary>
    protected virtual SearchRequest Complete(SearchRequest request) => request;

    protected virtual string? CheckpointFile => null;

    protected virtual bool ResumeRequested => false;

    protected override void ProcessRecord()
    {
        var space = Space!.Resolve();
        string? checkpoint = CheckpointFile is null ? null : GetUnresolvedProviderPathFromPSPath(CheckpointFile);
        if (checkpoint is not null && !ShouldProcess(checkpoint, $"Run a {Method} search on {space.Name}, writing its checkpoint")) return;

        var clock = Stopwatch.StartNew();
        var progress = new PipelineProgress(this, clock);
        var request = Complete(new SearchRequest
        {
            Method = Method,
            Space = space,
            Dataset = DatasetInfo.Parse(Dataset),
            Seed = unchecked((ulong)Seed),
            MaxParameters = MaxParameters,
            MaxFlops = MaxFlops,
            Proxies = Proxy,
            Benchmark = Benchmark,
            Input = InputBatch,
            ThrottleLimit = ThrottleLimit,
            CheckpointPath = checkpoint,
            Resume = ResumeRequested,
            Progress = progress,
            ScoringProgress = progress,
        });
        WriteVerbose($"{Method} on {space.Name} ({request.Dataset.ShortName()}), seed {Seed}, proxies {string.Join(", ", request.Proxies ?? SearchLauncher.DefaultProxies(Method))}" +
                     (checkpoint is null ? "" : $", checkpoint {checkpoint}"));
        try
        {
            var result = SearchLauncher.Run(request, _stop.Token);
            WriteVerbose($"{result.Algorithm} stopped ({result.StopReason}) after {result.Steps} steps and {result.History.Count} architectures; answer {result.Best.Architecture}.");
            WriteObject(result);
        }
        catch (OperationCanceledException)
        {
            if (checkpoint is not null) WriteWarning($"Stopped; the search state is saved in {checkpoint}. Run the same command with -Resume to continue.");
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or NotSupportedException or InvalidOperationException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.SearchFailed, ErrorCategory.InvalidArgument, space.Name));
        }
        finally
        {
            WriteProgress(new ProgressRecord(ScoringActivityId, "scoring", "Done") { ParentActivityId = GenerationActivityId, RecordType = ProgressRecordType.Completed });
            WriteProgress(new ProgressRecord(GenerationActivityId, "generation", "Done") { ParentActivityId = SearchActivityId, RecordType = ProgressRecordType.Completed });
            WriteProgress(new ProgressRecord(SearchActivityId, $"{Method} search", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    protected override void StopProcessing() => _stop.Cancel();

    private const int SearchActivityId = 1, GenerationActivityId = 2, ScoringActivityId = 3;

    /// <summary>Reports at most four times a second, and only from the pipeline thread (where the search loop runs).</summary>
    private sealed class PipelineProgress(SearchCommandBase command, Stopwatch clock) : IProgress<SearchProgress>, IProgress<ScoringProgress>
    {
        private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
        private long _lastMs = -1000, _lastScoringMs = -1000;

        // The innermost bar: the architectures of the current batch scored so far (throttled on its own clock, so that
        // a step's report never hides the scoring under it).
        public void Report(ScoringProgress value)
        {
            if (Environment.CurrentManagedThreadId != _pipelineThread || clock.ElapsedMilliseconds - _lastScoringMs < 250) return;
            _lastScoringMs = clock.ElapsedMilliseconds;
            command.WriteProgress(new ProgressRecord(ScoringActivityId, "scoring", $"{value.Scored} of {value.Total} architectures")
            {
                ParentActivityId = GenerationActivityId,
                PercentComplete = value.Total > 0 ? 100 * value.Scored / value.Total : -1,
            });
        }

        public void Report(SearchProgress value)
        {
            if (Environment.CurrentManagedThreadId != _pipelineThread || clock.ElapsedMilliseconds - _lastMs < 250) return;
            _lastMs = clock.ElapsedMilliseconds;
            int percent = value.BudgetMinutes > 0 ? (int)Math.Clamp(100 * value.BudgetUsedMinutes / value.BudgetMinutes, 0, 100) : -1;
            // Nested bars: the search (budget used) and, under it, the step it is on.
            command.WriteProgress(new ProgressRecord(SearchActivityId, $"{value.Algorithm} search",
                (value.BudgetMinutes > 0 ? $"{value.BudgetUsedMinutes:F2} of {value.BudgetMinutes:F2} min budget, " : "") + $"best {value.BestArchitecture}") { PercentComplete = percent });
            command.WriteProgress(new ProgressRecord(GenerationActivityId, value.Phase is null ? $"generation {value.Generation}" : $"{value.Phase} phase, step {value.Generation}",
                $"{value.Visited} architectures scored, best score {value.BestScore:G4}") { ParentActivityId = SearchActivityId });
        }
    }
}

/// <summary>The searches that keep state between steps, and so can checkpoint and resume.</summary>
public abstract class CheckpointedSearchCommandBase : SearchCommandBase
{
    /// <summary>Time budget (FreeREA's default: 45 seconds).</summary>
    [Parameter]
    public TimeSpan? Budget { get; set; }

    /// <summary>Cap on distinct architectures scored; the same run on any machine. Given without -Budget, it replaces the
    /// default time budget.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxEvaluations { get; set; }

    /// <summary>Score with FreeREA's cached NB201 values (NASWOT, LogSynflow) instead of live proxies; the budget is then
    /// charged their recorded times.</summary>
    [Parameter]
    public string? CachedProxyPath { get; set; }

    /// <summary>The cached metric times; by default nb201_freerea_metric_times.csv beside the cached proxies.</summary>
    [Parameter]
    public string? CachedTimePath { get; set; }

    /// <summary>Where the search state is written (atomically, every 10 steps, at the end and on Ctrl+C).</summary>
    [Parameter]
    public string? CheckpointPath { get; set; }

    /// <summary>Continue the search saved at -CheckpointPath; refused if its configuration differs from this call's.</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    protected override string? CheckpointFile => CheckpointPath;

    protected override bool ResumeRequested => Resume;

    protected override SearchRequest Complete(SearchRequest request)
    {
        CachedProxyTable? cached = null;
        if (CachedProxyPath is not null)
        {
            string proxies = GetUnresolvedProviderPathFromPSPath(CachedProxyPath);
            string times = CachedTimePath is null
                ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(proxies)!, "nb201_freerea_metric_times.csv")
                : GetUnresolvedProviderPathFromPSPath(CachedTimePath);
            cached = CachedProxyTable.Load(proxies, times);
        }
        return request with { BudgetMinutes = Budget?.TotalMinutes, MaxEvaluations = MaxEvaluations, CachedProxies = cached };
    }
}

/// <summary>FreeREA: evolution ranked by NASWOT + LogSynflow + skip (spec §4.1).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "FreeReaSearch", SupportsShouldProcess = true)]
[OutputType(typeof(SearchResult))]
public sealed class InvokeFreeReaSearchCommand : CheckpointedSearchCommandBase
{
    protected override SearchMethod Method => SearchMethod.FreeRea;
}

/// <summary>SWAP-NAS as NasPS defines it: FreeREA's evolution ranked by regularised SWAP.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SwapNasSearch", SupportsShouldProcess = true)]
[OutputType(typeof(SearchResult))]
public sealed class InvokeSwapNasSearchCommand : CheckpointedSearchCommandBase
{
    /// <summary>The model size (trainable parameters) the regularised SWAP score favours (μ = TargetParameters / 1000).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long? TargetParameters { get; set; }

    protected override SearchMethod Method => SearchMethod.SwapNas;

    protected override SearchRequest Complete(SearchRequest request) => base.Complete(request) with { TargetParameters = TargetParameters };
}

/// <summary>The cyclic search: a topology phase and a size phase in turn until a cycle changes nothing.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "CyclicSearch", SupportsShouldProcess = true)]
[OutputType(typeof(SearchResult))]
public sealed class InvokeCyclicSearchCommand : CheckpointedSearchCommandBase
{
    /// <summary>Proxies of the size phase (LogSynflow by default); -Proxy ranks the topology phase.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProxyNameCompleter))]
    public string[]? SizeProxy { get; set; }

    protected override SearchMethod Method => SearchMethod.Cyclic;

    protected override SearchRequest Complete(SearchRequest request) => base.Complete(request) with { SizeProxies = SizeProxy };
}

/// <summary>Best of N uniformly sampled architectures (NASWOT's protocol).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "RandomSearch")]
[OutputType(typeof(SearchResult))]
public sealed class InvokeRandomSearchCommand : SearchCommandBase
{
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int Samples { get; set; } = 100;

    /// <summary>Stop drawing once this many distinct architectures are scored (before -Samples draws if repeats are few).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxEvaluations { get; set; }

    protected override SearchMethod Method => SearchMethod.Random;

    protected override SearchRequest Complete(SearchRequest request) => request with { Samples = Samples, MaxEvaluations = MaxEvaluations };
}

/// <summary>Scores the whole space with the data-free SED-inspired proxy and returns the best feasible architecture.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SedSearch")]
[OutputType(typeof(SearchResult))]
public sealed class InvokeSedSearchCommand : SearchCommandBase
{
    protected override SearchMethod Method => SearchMethod.Sed;
}
