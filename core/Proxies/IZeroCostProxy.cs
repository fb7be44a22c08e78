using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Data;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>
/// A zero-cost proxy: a score of an untrained architecture. Every result records the proxy's version and the protocol
/// it ran under (batch, initialisation, dtype, BN mode, repeats), so a score is never read without its conditions.
/// Higher is better for every proxy as NasPS reports it.
/// </summary>
public interface IZeroCostProxy
{
    /// <summary>The name users type (lower case): "logsynflow", "naswot", "sed", …</summary>
    string Name { get; }

    /// <summary>Changes whenever the definition or default protocol changes.</summary>
    string Version { get; }

    /// <summary>Whether the proxy reads an input batch (false: data-free; the context's Input is ignored).</summary>
    bool NeedsInput { get; }

    /// <summary>Whether the proxy is defined on this architecture's space.</summary>
    bool Supports(Genome genome);

    /// <summary>Scores one architecture. Thread-safe: a search may score several architectures at once.</summary>
    ProxyResult Score(Genome genome, ProxyContext context);
}

/// <summary>What a proxy evaluation may use besides the architecture.</summary>
public sealed class ProxyContext
{
    public required Dataset Dataset { get; init; }

    /// <summary>Proxy input (already normalised). Null: the proxy's data-free default, e.g. Gaussian noise, stated in the protocol.</summary>
    public ImageBatch? Input { get; init; }

    /// <summary>Seed of the random initialisation (and of any noise input). Same seed, same input: same score.</summary>
    public ulong Seed { get; init; }

    /// <summary>Weights to score instead of the proxy's random initialisation (null: initialise from <see cref="Seed"/>).
    /// A proxy whose repeats differ only by initialisation then evaluates once.</summary>
    public NetworkWeights? Weights { get; init; }

    /// <summary>How many random initialisations a proxy averages, instead of its protocol's own count (null: the
    /// protocol's, e.g. FreeREA's 3 for LogSynflow and NASWOT; 1 is zero-cost-nas's single evaluation). Recorded in
    /// the result's protocol; proxies without repeats ignore it.</summary>
    public int? Repeats
    {
        get => _repeats;
        init => _repeats = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Repeats), value, "A proxy needs at least one initialisation.");
    }

    private readonly int? _repeats;

    /// <summary>The repeats to run: the context's override, else <paramref name="protocolRepeats"/>.</summary>
    public int RepeatsOr(int protocolRepeats) => Repeats ?? protocolRepeats;

    public CancellationToken Cancellation { get; init; }

    /// <summary>How the networks' float32 forward passes that record no gradient convolve (<see cref="Ops.InferenceConvolution"/>):
    /// Winograd by default; <see cref="ConvolutionAlgorithm.Direct"/> reproduces the direct sums (and scores computed
    /// before Winograd was used) bit for bit. The two differ by rounding, which moves sign-pattern scores in their last
    /// digits. Recorded in each network proxy's protocol.</summary>
    public ConvolutionAlgorithm Convolution { get; init; } = ConvolutionAlgorithm.Winograd;

    /// <summary>The forward passes' convolutions, for a protocol: "Winograd F(2×2,3×3) for 3×3 convolutions", or "direct
    /// convolutions" (asked for, or on a machine without AVX-512, where Winograd does not run).</summary>
    public string ConvolutionProtocol => Convolution == ConvolutionAlgorithm.Winograd && Conv2dKernel.WinogradAvailable
        ? "Winograd F(2×2,3×3) for 3×3 convolutions" : "direct convolutions";

    /// <summary>Runs this context's <see cref="Convolution"/> on the calling thread until disposed.</summary>
    public IDisposable UseConvolution() => Ops.UseInferenceConvolution(Convolution);
}

/// <summary>One proxy value with the conditions it was measured under.</summary>
public sealed record ProxyResult(string Proxy, string Version, double Value, string Protocol, TimeSpan Elapsed)
{
    /// <summary>False for −∞ (e.g. NASWOT's singular kernel), +∞ or NaN: flagged, never silently replaced here.</summary>
    public bool IsFinite => double.IsFinite(Value);
}

/// <summary>The proxies NasPS offers, by name.</summary>
public static class ZeroCostProxies
{
    // Built-in proxies are listed here, one line each; Lazy makes the first concurrent lookups safe.
    private static readonly Lazy<List<IZeroCostProxy>> Registered = new(() =>
    [
        new SedProxy(),
        new SynflowProxy(SynflowVariant.LogSynflow),
        new SynflowProxy(SynflowVariant.LogSynflowEpsilon),
        new SynflowProxy(SynflowVariant.Synflow),
        NaswotProxy.FreeRea(),
        NaswotProxy.Official(),
        new SwapProxy(regularised: false),
        new SwapProxy(regularised: true),
        ArchitectureProxy.Skip,
        ArchitectureProxy.Params,
        ArchitectureProxy.Flops,
        new GradientProxy(GradientMeasure.GradNorm),
        new GradientProxy(GradientMeasure.Snip),
        new GradientProxy(GradientMeasure.JacobCov),
        new GradientProxy(GradientMeasure.Fisher),
        new ZenProxy(),
        new ZicoProxy(),
        new Entropic.EntropicScore(),
    ]);

    private static readonly Lock Gate = new();

    public static IReadOnlyList<IZeroCostProxy> All
    {
        get
        {
            lock (Gate) return [.. Registered.Value];
        }
    }

    public static IReadOnlyList<string> Names => All.Select(p => p.Name).ToList();

    /// <summary>Adds a proxy (e.g. a user's own) under a name not yet taken.</summary>
    public static void Register(IZeroCostProxy proxy)
    {
        lock (Gate)
        {
            if (Registered.Value.Any(p => p.Name.Equals(proxy.Name, StringComparison.OrdinalIgnoreCase)))
                throw new InvalidOperationException($"A proxy named '{proxy.Name}' is already registered.");
            Registered.Value.Add(proxy);
        }
    }

    public static bool TryGet(string? name, out IZeroCostProxy proxy)
    {
        proxy = All.FirstOrDefault(p => p.Name.Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return proxy is not null;
    }

    public static IZeroCostProxy Get(string name) =>
        TryGet(name, out var proxy)
            ? proxy
            : throw new ArgumentException($"Unknown proxy '{name}'. Proxies: {string.Join(", ", Names)}.", nameof(name));
}

/// <summary>How a proxy's score is named on the objects users see: the property a PowerShell user sorts by.</summary>
public static class ProxyPropertyNames
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["logsynflow"] = "LogSynflow", ["logsynflow-eps"] = "LogSynflowEps", ["synflow"] = "Synflow", ["naswot"] = "Naswot",
        ["swap"] = "SwapScore", ["swap-reg"] = "RegularizedSwapScore", ["entropic"] = "EntropicScore", ["sed"] = "SedScore",
        ["skip"] = "SkipScore", ["params"] = "ParameterScore", ["flops"] = "FlopsScore", ["grad_norm"] = "GradNorm",
        ["snip"] = "Snip", ["fisher"] = "Fisher", ["jacob_cov"] = "JacobCov", ["zen"] = "ZenScore", ["zico"] = "ZiCo",
    };

    /// <summary>The property name for a proxy: a known name, else the proxy name in PascalCase ("my-proxy" → "MyProxy").</summary>
    public static string For(string proxy) =>
        Known.TryGetValue(proxy, out var name)
            ? name
            : string.Concat(proxy.Split(['-', '_', ' '], StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
