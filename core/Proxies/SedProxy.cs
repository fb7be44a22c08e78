using NasPS.Proxies.Sed;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using NasPS.Spaces.NasBench101;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;

namespace NasPS.Proxies;

/// <summary>The SED-inspired topology score as a registered proxy: data-free and run-free, so input and seed are unused.</summary>
public sealed class SedProxy : IZeroCostProxy
{
    public string Name => SedScore.Instance.Name;
    public string Version => SedScore.Instance.Version;
    public bool NeedsInput => false;
    public bool Supports(Genome genome) => genome is Nb201Genome or NatsSizeGenome or Nb101Genome or HybridEdgeGenome;

    public ProxyResult Score(Genome genome, ProxyContext context)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        double value = genome is HybridEdgeGenome hybrid ? HybridEdgeSed.Score(hybrid) : SedScore.Instance.Score(genome);
        return new ProxyResult(Name, Version, value, "closed form of the architecture graph; no weights, data or forward pass",
            System.Diagnostics.Stopwatch.GetElapsedTime(start));
    }
}
