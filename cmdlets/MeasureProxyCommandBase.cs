using System.Diagnostics;
using System.Management.Automation;
using NasPS.Compute.Kernels;
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// What every Measure-* proxy cmdlet does: resolve each incoming architecture, score it (up to -ThrottleLimit at a
/// time, on worker threads that never touch PowerShell), add one property per proxy, and pass the object on in order.
/// </summary>
public abstract class MeasureProxyCommandBase : PSCmdlet, IDisposable
{
    private OrderedParallel<(PSObject Item, Genome Genome, ProxyRunner Runner), ScoredArchitecture>? _scoring;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();
    private readonly Dictionary<Dataset, ProxyRunner> _runners = [];
    private IReadOnlyList<IZeroCostProxy> _proxies = [];
    private long _scored;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Proxy input; without it, each proxy uses its data-free default (stated in its protocol).</summary>
    [Parameter]
    public ImageBatch? InputBatch { get; set; }

    [Parameter]
    public long Seed { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Random initialisations to average instead of each proxy's own count (0: the proxy's protocol).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Inits { get; set; }

    /// <summary>How the float32 forward passes that record no gradient convolve (NASWOT, SWAP, Zen, the entropic score):
    /// Winograd by default, Direct for the direct sums bit for bit. Recorded in each score's protocol.</summary>
    [Parameter]
    public ConvolutionAlgorithm Convolution { get; set; } = ConvolutionAlgorithm.Winograd;

    /// <summary>Overrides the Dataset property of incoming objects.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateDataset]
    public string? Dataset { get; set; }

    /// <summary>The proxies this cmdlet applies (resolved once, in BeginProcessing).</summary>
    protected abstract IReadOnlyList<string> ProxyNames { get; }

    protected override void BeginProcessing()
    {
        var proxies = new List<IZeroCostProxy>();
        foreach (var name in ProxyNames)
        {
            if (ZeroCostProxies.TryGet(name, out var proxy)) proxies.Add(proxy);
            else ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Unknown proxy '{name}'. Proxies: {string.Join(", ", ZeroCostProxies.Names)}."),
                ErrorIds.UnknownProxy, ErrorCategory.InvalidArgument, name));
        }
        _proxies = proxies;
        WriteVerbose($"Scoring each incoming architecture with {string.Join(", ", proxies.Select(p => $"{p.Name} v{p.Version}"))}, " +
                     $"{ThrottleLimit} at a time, initialisation seed {Seed}; each score becomes a property of the object.");
        if (InputBatch is null && proxies.Any(p => p.NeedsInput))
            WriteVerbose($"No -InputBatch: {string.Join(", ", proxies.Where(p => p.NeedsInput).Select(p => p.Name))} use their data-free default input (Gaussian noise); see each result's protocol.");
        // Workers compute only; everything PowerShell sees is written on the pipeline thread, in input order. Side by
        // side, each architecture's kernels get their share of the cores (values never depend on it).
        int share = Math.Max(1, Compute.Kernels.Parallelism.Degree / ThrottleLimit);
        _scoring = new(ThrottleLimit, work =>
        {
            using var limit = ThrottleLimit > 1 ? Compute.Kernels.Parallelism.Limit(share) : null;
            return work.Runner.ScoreOne(work.Genome);
        }, _stop.Token);
    }

    protected override void ProcessRecord()
    {
        var item = InputObject!;
        if (PipelineObjects.GenomeOrError(this, item) is not { } genome) return;
        var dataset = PipelineObjects.DatasetOf(item, Dataset);
        _scoring!.Submit((item, genome, Runner(dataset)));
        WriteScores(keep: _scoring.Lookahead - 1);
    }

    protected override void EndProcessing()
    {
        WriteScores(keep: 0);
        WriteVerbose($"Scored {_scored} architecture(s).");
        WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    protected override void StopProcessing() => _stop.Cancel();

    private string Activity => $"Scoring with {string.Join(", ", _proxies.Select(p => p.Name))}";

    /// <summary>Writes finished scores in input order: waits until at most <paramref name="keep"/> are outstanding, then
    /// writes whatever else has finished.</summary>
    private void WriteScores(int keep)
    {
        try
        {
            while (_scoring!.Count > keep) Write(_scoring.TakeOldest());
            while (_scoring.TryTakeFinished(out var done)) Write(done);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        if (_progressClock.ElapsedMilliseconds >= 250)
        {
            WriteProgress(new ProgressRecord(1, Activity, $"{_scored} architectures scored"));
            _progressClock.Restart();
        }
    }

    private void Write(((PSObject Item, Genome Genome, ProxyRunner Runner) Work, ScoredArchitecture Scored) done)
    {
        var ((item, genome, _), scored) = done;
        _scored++;
        if (scored.Error is string error)
        {
            WriteError(new ErrorRecord(new NotSupportedException(error), ErrorIds.ProxyNotSupported, ErrorCategory.InvalidOperation, genome.Canonical));
            return;
        }
        foreach (var result in scored.Results)
        {
            if (!result.IsFinite) WriteWarning($"{result.Proxy} is {result.Value} for {genome.Canonical}; it is kept as is and ranks as the value says.");
            PipelineObjects.SetScore(item, ProxyPropertyNames.For(result.Proxy), result.Proxy, result.Value);
            WriteDebug($"{result.Proxy} v{result.Version} = {result.Value} ({result.Protocol}; {result.Elapsed.TotalMilliseconds:F1} ms)");
        }
        WriteObject(item);
    }

    /// <summary>After a stop or a failure: drops the architectures not yet started and waits for those running.</summary>
    public void Dispose()
    {
        _scoring?.Dispose();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The runner for a dataset, made on first use; called on the pipeline thread only.</summary>
    private ProxyRunner Runner(Dataset dataset)
    {
        if (!_runners.TryGetValue(dataset, out var runner))
            _runners[dataset] = runner = new ProxyRunner(_proxies, new ProxyContext
            {
                Dataset = dataset, Input = InputBatch, Seed = unchecked((ulong)Seed), Repeats = Inits > 0 ? Inits : null, Cancellation = _stop.Token,
                Convolution = Convolution,
            });
        return runner;
    }
}

/// <summary>Scores architectures with any registered proxies by name.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "ZeroCostProxy")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureZeroCostProxyCommand : MeasureProxyCommandBase
{
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(ProxyNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    protected override IReadOnlyList<string> ProxyNames => Name;
}

/// <summary>Scores architectures with NasPS's SED-inspired, data-free topology proxy.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "SedScore")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureSedScoreCommand : MeasureProxyCommandBase
{
    protected override IReadOnlyList<string> ProxyNames => ["sed"];
}

/// <summary>LogSynflow (FreeREA): Σ|W ⊙ ln(1 + ∂R/∂W)| on |W| with every BatchNorm bypassed, float64, all-ones input.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "LogSynflow")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureLogSynflowCommand : MeasureProxyCommandBase
{
    /// <summary>FreeREA's cached CIFAR-10 variant, ln(g + 1e-6), for comparisons with its cached values.</summary>
    [Parameter]
    public SwitchParameter Epsilon { get; set; }

    protected override IReadOnlyList<string> ProxyNames => [Epsilon ? "logsynflow-eps" : "logsynflow"];
}

/// <summary>Synflow: Σ|W ⊙ ∂R/∂W| on |W| with every BatchNorm bypassed, float64, all-ones input.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "Synflow")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureSynflowCommand : MeasureProxyCommandBase
{
    protected override IReadOnlyList<string> ProxyNames => ["synflow"];
}

/// <summary>NASWOT: ln|det K| of the ReLU activation-code kernel; FreeREA's protocol, or the official one with -Official.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "Naswot")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureNaswotCommand : MeasureProxyCommandBase
{
    /// <summary>The official NASWOT protocol (batch 128, PyTorch default initialisation, one evaluation).</summary>
    [Parameter]
    public SwitchParameter Official { get; set; }

    protected override IReadOnlyList<string> ProxyNames => [Official ? "naswot-official" : "naswot"];
}

/// <summary>The SWAP score (distinct sample-wise activation patterns), or the regularised score with -Regularized.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "SwapScore")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureSwapScoreCommand : MeasureProxyCommandBase
{
    [Parameter]
    public SwitchParameter Regularized { get; set; }

    protected override IReadOnlyList<string> ProxyNames => [Regularized ? "swap-reg" : "swap"];
}

/// <summary>NasPS's Entropic Score: the information ReLU on/off states carry about which unit they belong to, summed over layers.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "EntropicScore")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class MeasureEntropicScoreCommand : MeasureProxyCommandBase
{
    protected override IReadOnlyList<string> ProxyNames => ["entropic"];
}
