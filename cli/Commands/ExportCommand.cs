using NasPS.Networks.HybridEdge;
using NasPS.Proxies;
using NasPS.Spaces.HybridEdge;

namespace NasPS.Cli.Commands;

/// <summary>`nasps export`: writes NAME.json and NAME.safetensors of a HybridEdge model (cmdlet: Export-Network).</summary>
public sealed class ExportCommand : ICliCommand
{
    public string Name => "export";
    public string Summary => "export a HybridEdge model (JSON description + safetensors weights) for PyTorch";
    public string Usage =>
        "nasps export --arch ARCH --out PATH [--space hybrid] [--resolution 224] [--classes 1000] [--seed S] [--init pytorch-default|kaiming-fan-out|normal]\n" +
        "  Writes PATH.json and PATH.safetensors (float32 initialised weights, PyTorch state-dict names);\n" +
        "  examples/hybrid_to_torch.py PATH.json rebuilds the torch.nn.Module and loads them (strict).";
    public IReadOnlyList<string> Options => ["arch", "out", "space", "seed", "init", .. NaspsCli.SpaceSettingOptions];
    public IReadOnlySet<string> Switches => new HashSet<string>();

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = args.Has("space") ? NaspsCli.Space(args) : HybridEdgeSpace.With(
            (int)(args.Long("resolution") ?? HybridEdgeSpace.DefaultResolution), (int)(args.Long("classes") ?? HybridEdgeSpace.DefaultClasses));
        if (space is not HybridEdgeSpace hybrid) throw new UsageException($"Only HybridEdge models are exported; --space is {space.Name}.");
        string arch = args.Option("arch") ?? throw new UsageException("--arch is required.");
        string path = args.Option("out") ?? throw new UsageException("--out PATH is required (PATH.json and PATH.safetensors are written).");
        string initName = args.Option("init", "pytorch-default");
        WeightInit init;
        try { init = WeightInitNames.Parse(initName); }
        catch (ArgumentException) { throw new UsageException($"Unknown --init '{initName}'. Initialisations: {string.Join(", ", WeightInitNames.Canonical.Keys)} (or default, kaiming)."); }
        var files = HybridEdgeExport.Write(hybrid.Parse(arch), path, unchecked((ulong)(args.Long("seed") ?? 0)), init);
        output.WriteLine(files.Description);
        output.WriteLine(files.Weights);
        error.WriteLine($"nasps export: {files.Parameters:N0} parameters");
        return 0;
    }
}
