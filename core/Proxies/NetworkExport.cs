using System.Globalization;
using NasPS.Networks;
using NasPS.Networks.HybridEdge;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;

namespace NasPS.Proxies;

/// <summary>The initialisations by the names users type (CLI --init, cmdlet -Initialization).</summary>
public static class WeightInitNames
{
    /// <summary>Canonical name → initialisation, in the proxies' vocabulary.</summary>
    public static readonly IReadOnlyDictionary<string, WeightInit> Canonical = new Dictionary<string, WeightInit>(StringComparer.OrdinalIgnoreCase)
    {
        ["pytorch-default"] = WeightInit.PyTorchDefault,
        ["kaiming-fan-out"] = WeightInit.KaimingNormalFanOut,
        ["normal"] = WeightInit.StandardNormal,
    };

    /// <summary>A canonical name or one of the short aliases `default` and `kaiming` (what `nasps export` first accepted).</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static WeightInit Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "default" => WeightInit.PyTorchDefault,
        "kaiming" => WeightInit.KaimingNormalFanOut,
        { } known when Canonical.TryGetValue(known, out var init) => init,
        _ => throw new ArgumentException($"Unknown initialisation '{name}'. Initialisations: {string.Join(", ", Canonical.Keys)}.", nameof(name)),
    };

    public static string NameOf(WeightInit init) => Canonical.First(p => p.Value == init).Key;
}

/// <summary>What <see cref="NetworkExport.Write"/> wrote: the weights, and for HybridEdge the JSON description beside them.</summary>
public sealed record NetworkExportFiles(string Weights, string? Description, long Parameters);

/// <summary>
/// Writes an initialised network for use outside NasPS: float32 safetensors under the reference PyTorch names (NB201:
/// the official names of spec §1.7, loadable with strict=True and scored the same by `nasps score --weights`; HybridEdge:
/// the state-dict names of examples/hybrid_to_torch.py, plus NAME.json, the description that script builds the module
/// from). The same genome, seed and initialisation give byte-identical files.
/// </summary>
public static class NetworkExport
{
    /// <param name="weightsPath">The .safetensors file; for HybridEdge the description goes beside it as .json.</param>
    /// <param name="dataset">The classifier's dataset where the space takes classes from it (NB201, NB101, NATS); HybridEdge
    /// genomes carry their own class count.</param>
    public static NetworkExportFiles Write(Genome genome, string weightsPath, ulong seed, WeightInit init, Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(genome);
        ArgumentException.ThrowIfNullOrWhiteSpace(weightsPath);
        if (!ProxyNetworks.CanBuild(genome)) throw new ArgumentException($"No network is defined for {genome.SpaceName} architectures ('{genome.Canonical}').", nameof(genome));
        string full = Path.GetFullPath(weightsPath);
        if (genome is HybridEdgeGenome hybrid)
        {
            string stem = full.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? full[..^".safetensors".Length] : full;
            var files = HybridEdgeExport.Write(hybrid, stem, seed, init);
            return new NetworkExportFiles(files.Weights, files.Description, files.Parameters);
        }
        using var network = ProxyNetworks.Build<float>(genome, dataset.Classes()); // its memory goes to the next network
        ProxyNetworks.Initialize(network, init, new Rng(seed));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        network.SaveSafeTensors(full, new Dictionary<string, string>
        {
            ["space"] = genome.SpaceName, ["arch"] = genome.Canonical, ["dataset"] = dataset.ShortName(),
            ["init"] = WeightInitNames.NameOf(init), ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        });
        return new NetworkExportFiles(full, null, network.ParameterCount());
    }
}
