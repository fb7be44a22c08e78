using System.Diagnostics;
using System.Numerics;
using NasPS.Compute;
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
        var values = EvaluateRepeats(genome, context, Evaluate);
        string weights = context.Weights is { } given
            ? $"weights from {given.Source}, one evaluation"
            : $"{ProxyNetworks.Describe(Init)}; mean of {Repeats} init(s) from seed {context.Seed}";
        return new ProxyResult(Name, Version, values.Average(), $"{DescribeProtocol(context, genome)}; {weights}", Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Builds the network once and, for each repeat, initialises it and runs <paramref name="evaluate"/> inside
    /// a tensor scope; with the context's given <see cref="ProxyContext.Weights"/>, loads them and evaluates once.
    /// Callers must have checked the genome.</summary>
    protected List<TResult> EvaluateRepeats<TResult>(Genome genome, ProxyContext context, Func<Module<T>, ProxyContext, TResult> evaluate)
    {
        Validate(context, genome);
        var network = ProxyNetworks.Build<T>(genome, context.Dataset.Classes());
        var rng = new Rng(context.Seed);
        int repeats = context.Weights is null ? Repeats : 1;
        var results = new List<TResult>(repeats);
        for (int r = 0; r < repeats; r++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (context.Weights is { } weights) weights.LoadInto(network);
            else ProxyNetworks.Initialize(network, Init, rng);
            using var scope = Tensors.NewScope();
            results.Add(evaluate(network, context));
        }
        return results;
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
