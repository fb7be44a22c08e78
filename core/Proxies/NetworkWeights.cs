using NasPS.Compute;
using NasPS.Networks;

namespace NasPS.Proxies;

/// <summary>Given network weights (a state dictionary under the network's official names, e.g. written by
/// `nasps weights`) that a proxy uses instead of its own initialisation.</summary>
public sealed class NetworkWeights
{
    public NetworkWeights(IReadOnlyDictionary<string, SafeTensorEntry> entries, string source)
    {
        Entries = entries ?? throw new ArgumentNullException(nameof(entries));
        Source = source;
    }

    public IReadOnlyDictionary<string, SafeTensorEntry> Entries { get; }

    /// <summary>Where the weights came from (a file path), for protocols and errors.</summary>
    public string Source { get; }

    public static NetworkWeights FromSafeTensors(string path) => new(SafeTensors.Read(path), path);

    /// <summary>Loads the weights into <paramref name="network"/> with strict names and shapes (an error names the file and
    /// the missing or unexpected tensors, e.g. weights written for another architecture).</summary>
    public void LoadInto<T>(Module<T> network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        network.LoadState(Entries, Source, strict: true);
}
