using System.Diagnostics;
using NasPS.Spaces;
using NasPS.Spaces.NasBench101;
using NasPS.Spaces.NasBench201;

namespace NasPS.Proxies;

/// <summary>
/// A proxy that is a closed-form function of the architecture (no weights, data or forward pass): input and seed are
/// unused. Parameters and FLOPs come from the genome's space (its benchmark counting rule); skip is FreeREA's metric.
/// </summary>
public sealed class ArchitectureProxy : IZeroCostProxy
{
    private readonly Func<Genome, ProxyContext, double> _score;
    private readonly Func<Genome, bool> _supports;
    private readonly string _protocol;

    private ArchitectureProxy(string name, string protocol, Func<Genome, bool> supports, Func<Genome, ProxyContext, double> score)
    {
        Name = name;
        _protocol = protocol;
        _supports = supports;
        _score = score;
    }

    /// <summary>Trainable parameters of the genome's benchmark network for the context's dataset.</summary>
    public static ArchitectureProxy Params { get; } = new("params",
        "trainable parameters of the benchmark network for the dataset (space's count); no weights or data",
        g => SearchSpaces.TryGet(g.SpaceName, out _),
        (g, c) => SearchSpaces.Get(g.SpaceName).CountParameters(g, c.Dataset));

    /// <summary>Multiply-accumulates of one forward pass at the dataset's resolution, under the space's counting rule.</summary>
    public static ArchitectureProxy Flops { get; } = new("flops",
        "multiply-accumulates of one forward pass at the dataset resolution (space's counting rule); no weights or data",
        g => SearchSpaces.TryGet(g.SpaceName, out _),
        (g, c) => SearchSpaces.Get(g.SpaceName).CountFlops(g, c.Dataset));

    /// <summary>FreeREA's skip metric (spec §3.4) of NAS-Bench-201 and NAS-Bench-101 cells.</summary>
    public static ArchitectureProxy Skip { get; } = new("skip",
        "FreeREA skip metric: mean jump (j − 1 − i) over skip edges j←i (NB201) or over all non-adjacent edges (NB101), 0 without any; closed form",
        g => g is Nb201Genome or Nb101Genome,
        (g, _) => SkipMetric(g));

    /// <summary>FreeREA's skip metric of a cell; the one definition both this proxy and the searches use.</summary>
    /// <exception cref="ArgumentException">The genome is neither an NB201 nor an NB101 cell.</exception>
    public static double SkipMetric(Genome genome) => genome switch
    {
        Nb201Genome cell => cell.SkipMetric,
        Nb101Genome cell => cell.SkipMetric,
        null => throw new ArgumentNullException(nameof(genome)),
        _ => throw new ArgumentException($"The skip metric is defined for NasBench201 and NasBench101 cells, not for a {genome.SpaceName} genome ('{genome.Canonical}').", nameof(genome)),
    };

    public string Name { get; }
    public string Version => "1";
    public bool NeedsInput => false;
    public bool Supports(Genome genome) => genome is not null && _supports(genome);

    public ProxyResult Score(Genome genome, ProxyContext context)
    {
        ArgumentNullException.ThrowIfNull(genome);
        ArgumentNullException.ThrowIfNull(context);
        if (!Supports(genome))
            throw new ArgumentException($"Proxy '{Name}' does not support {genome.SpaceName} genomes ('{genome.Canonical}').", nameof(genome));
        long start = Stopwatch.GetTimestamp();
        double value = _score(genome, context);
        return new ProxyResult(Name, Version, value, _protocol, Stopwatch.GetElapsedTime(start));
    }
}
