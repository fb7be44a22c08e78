using System.Text.Json;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Spaces.HybridEdge;

namespace NasPS.Networks.HybridEdge;

/// <summary>The two files an exported HybridEdge model consists of.</summary>
public sealed record HybridEdgeExportFiles(string Description, string Weights, long Parameters);

/// <summary>
/// Exports a HybridEdge architecture for training elsewhere: NAME.json (the description examples/hybrid_to_torch.py
/// builds a torch.nn.Module from) and NAME.safetensors (float32 initialised weights, PyTorch state-dict names, int64
/// num_batches_tracked). The same genome, seed and initialisation give byte-identical files.
/// </summary>
public static class HybridEdgeExport
{
    public const string Format = "nasps.hybrid-edge";
    public const int Version = 1;

    /// <summary>The JSON description (indented, fields in a fixed order).</summary>
    public static string Describe(HybridEdgeGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteString("architecture", genome.Canonical);
            json.WriteNumber("resolution", genome.Resolution);
            json.WriteNumber("classes", genome.Classes);
            json.WriteNumber("stem_width", genome.StemWidth);
            json.WriteNumber("head_width", genome.HeadWidth);
            json.WriteStartArray("stages");
            foreach (var s in genome.Stages)
            {
                bool attention = s.Block.IsAttention();
                json.WriteStartObject();
                json.WriteString("block", HybridEdgeTable.Token(s.Block));
                json.WriteNumber("depth", s.Depth);
                json.WriteNumber("width", s.Width);
                json.WriteNumber("expansion", s.Expansion);
                if (attention) json.WriteNull("kernel"); else json.WriteNumber("kernel", s.Block.Kernel());
                json.WriteBoolean("squeeze_excite", !attention && s.Block.HasSqueezeExcite());
                json.WriteBoolean("attention", attention);
                json.WriteBoolean("local_mixer", s.Block == HybridBlock.AttentionConv);
                if (attention) json.WriteNumber("heads", s.Heads); else json.WriteNull("heads");
                if (attention) json.WriteNumber("mlp_ratio", s.MlpRatio); else json.WriteNull("mlp_ratio");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            var (parameters, macs) = HybridEdgeCost.Of(genome);
            json.WriteNumber("parameters", parameters);
            json.WriteNumber("macs", macs);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes <paramref name="pathWithoutExtension"/>.json and .safetensors: the network initialised with
    /// <paramref name="init"/> from <paramref name="seed"/> (PyTorch's layer defaults unless told otherwise).</summary>
    public static HybridEdgeExportFiles Write(HybridEdgeGenome genome, string pathWithoutExtension, ulong seed, WeightInit init = WeightInit.PyTorchDefault)
    {
        ArgumentNullException.ThrowIfNull(genome);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathWithoutExtension);
        var network = new HybridEdgeNetwork<float>(genome);
        ProxyNetworks.Initialize(network, init, new Rng(seed));
        string full = Path.GetFullPath(pathWithoutExtension);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string description = full + ".json", weights = full + ".safetensors";
        File.WriteAllText(description, Describe(genome));
        network.SaveSafeTensors(weights, new Dictionary<string, string>
        {
            ["format"] = Format, ["architecture"] = genome.Canonical, ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["init"] = init.ToString(),
        });
        return new HybridEdgeExportFiles(description, weights, network.ParameterCount());
    }
}
