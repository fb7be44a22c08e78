using System.Diagnostics;
using System.Numerics;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Networks;
using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>
/// A proxy that builds the genome's network in element type <typeparamref name="T"/>, then <see cref="Repeats"/> times
/// initialises it (<see cref="Init"/>, drawing from one generator seeded with the context's seed) and evaluates it; the
/// score is the mean. A −∞ or NaN repeat makes the mean non-finite, and it is returned so (flagged by the result).
/// </summary>
public abstract class NetworkProxy<T> : IZeroCostProxy where T : unmanaged, IFloatingPointIeee754<T>
{
    protected NetworkProxy(WeightInit init, int repeats)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "A proxy needs at least one repeat.");
        Init = init;
        Repeats = repeats;
    }

    public abstract string Name { get; }
    public abstract string Version { get; }
    public abstract bool NeedsInput { get; }
    public WeightInit Init { get; }
    public int Repeats { get; }

    public bool Supports(Genome genome) => ProxyNetworks.CanBuild(genome);

    public ProxyResult Score(Genome genome, ProxyContext context)
    {
        RequireSupported(genome);
        ArgumentNullException.ThrowIfNull(context);
        long start = Stopwatch.GetTimestamp();
        using var convolution = context.UseConvolution();
        var values = EvaluateRepeats(genome, context, Evaluate);
        string weights = context.Weights is { } given
            ? $"weights from {given.Source}, one evaluation"
            : $"{ProxyNetworks.Describe(Init)}; mean of {context.RepeatsOr(Repeats)} init(s) from seed {context.Seed}";
        return new ProxyResult(Name, Version, values.Average(), $"{DescribeProtocol(context, genome)}; {weights}", Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Whether repeats may be evaluated two or more at a time, each on its own copy of the network with its share of the
    /// cores, when this thread may use several. Worth it where one evaluation is too small to keep two cores busy
    /// (batch-1 float64 Synflow: its kernels lose more to fork/join than they gain); off by default because every extra
    /// copy holds its own activations.
    /// </summary>
    protected virtual bool RepeatsSideBySide => false;

    /// <summary>Builds the network once and, for each repeat, initialises it and runs <paramref name="evaluate"/> inside
    /// a tensor scope; with the context's given <see cref="ProxyContext.Weights"/>, loads them and evaluates once.
    /// Results are in repeat order and do not depend on the thread count: initialisations are drawn from the one
    /// generator in repeat order, whichever copy of the network takes them. Callers must have checked the genome.</summary>
    protected List<TResult> EvaluateRepeats<TResult>(Genome genome, ProxyContext context, Func<Module<T>, ProxyContext, TResult> evaluate)
    {
        Validate(context, genome);
        int repeats = context.Weights is null ? context.RepeatsOr(Repeats) : 1;
        int lanes = RepeatsSideBySide ? Math.Min(Parallelism.Degree, repeats) : 1;
        return lanes > 1
            ? EvaluateSideBySide(genome, context, evaluate, repeats, lanes)
            : EvaluateInTurn(genome, context, evaluate, repeats);
    }

    private List<TResult> EvaluateInTurn<TResult>(Genome genome, ProxyContext context, Func<Module<T>, ProxyContext, TResult> evaluate, int repeats)
    {
        using var network = ProxyNetworks.Build<T>(genome, context.Dataset.Classes()); // its memory goes to the next network
        var rng = new Rng(context.Seed);
        var results = new List<TResult>(repeats);
        for (int r = 0; r < repeats; r++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            Prepare(network, context, rng);
            using var scope = Tensors.NewScope();
            results.Add(evaluate(network, context));
        }
        return results;
    }

    // This thread initialises the copies in repeat order and hands each evaluation to the thread pool at once, so one
    // copy is being initialised while the others are evaluated; before it re-initialises a copy it waits for that copy's
    // previous evaluation (a task that has not started yet then runs inline, so a busy pool delays but cannot deadlock).
    private List<TResult> EvaluateSideBySide<TResult>(Genome genome, ProxyContext context, Func<Module<T>, ProxyContext, TResult> evaluate, int repeats, int lanes)
    {
        int share = Math.Max(1, Parallelism.Degree / lanes);
        int copies = Math.Min(repeats, lanes + 1);
        var networks = new Module<T>[copies];
        var running = new Task<TResult>?[copies];
        var results = new TResult[repeats];
        var rng = new Rng(context.Seed);
        try
        {
            for (int r = 0; r < repeats + copies; r++)
            {
                int copy = r % copies;
                if (running[copy] is { } previous)
                {
                    running[copy] = null;
                    results[r - copies] = previous.GetAwaiter().GetResult();
                }
                if (r >= repeats) continue;
                context.Cancellation.ThrowIfCancellationRequested();
                var network = networks[copy] ??= ProxyNetworks.Build<T>(genome, context.Dataset.Classes());
                Prepare(network, context, rng);
                if (r == repeats - 1)
                {
                    // The last evaluation runs here, beside the others: this thread would only wait otherwise, and with
                    // the pool's threads busy a queued evaluation starts only when one of them is done (3 inits on 2
                    // cores then ended with one core idle for most of an evaluation).
                    using var limit = Parallelism.Limit(share);
                    using var scope = Tensors.NewScope();
                    results[r] = evaluate(network, context);
                    continue;
                }
                running[copy] = Task.Run(() =>
                {
                    using var convolution = context.UseConvolution();
                    using var limit = Parallelism.Limit(share);
                    using var scope = Tensors.NewScope();
                    return evaluate(network, context);
                });
            }
            return [.. results];
        }
        finally
        {
            // On failure or cancellation, let evaluations still running finish before their networks are dropped.
            foreach (var task in running)
                if (task is not null) ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            foreach (var network in networks) network?.Dispose(); // their memory goes to the next networks
        }
    }

    private void Prepare(Module<T> network, ProxyContext context, Rng rng)
    {
        if (context.Weights is { } weights) weights.LoadInto(network);
        else ProxyNetworks.Initialize(network, Init, rng);
    }

    protected void RequireSupported(Genome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (!Supports(genome))
            throw new ArgumentException($"Proxy '{Name}' does not support {genome.SpaceName} genomes ('{genome.Canonical}').", nameof(genome));
    }

    /// <summary>Checks the context before any work (e.g. that the input batch is there, large enough, of the genome's resolution).</summary>
    protected virtual void Validate(ProxyContext context, Genome genome) { }

    /// <summary>One evaluation of the initialised network.</summary>
    protected abstract double Evaluate(Module<T> network, ProxyContext context);

    /// <summary>Batch, input, dtype, BN mode and formula, for the result's protocol record.</summary>
    protected abstract string DescribeProtocol(ProxyContext context, Genome genome);

    protected static string DTypeName => typeof(T) == typeof(double) ? "float64" : "float32";
}
