using NasPS.Data;
using NasPS.Networks;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Cli.Commands;

/// <summary>`nasps weights`: writes an initialised network's state as safetensors under the official PyTorch names
/// (spec §1.7), BN running statistics and num_batches_tracked included, so the file loads into the official module with
/// strict=True, and `nasps score --weights` scores exactly these weights.</summary>
public sealed class WeightsCommand : ICliCommand
{
    public string Name => "weights";
    public string Summary => "write an initialised network's weights (safetensors, official PyTorch names)";
    public string Usage =>
        "nasps weights --space nb201 --arch STR --seed S --init NAME --out FILE.safetensors [--dataset cifar10|cifar100|imagenet16]\n" +
        "  --init: " + string.Join(", ", WeightInitNames.Canonical.Keys) + " (the initialisations the proxies use; the\n" +
        "  same seed and init give the weights of a proxy's first repeat).";
    public IReadOnlyList<string> Options => ["space", "arch", "seed", "init", "out", "dataset"];
    public IReadOnlySet<string> Switches => new HashSet<string>();

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        string arch = args.Option("arch") ?? throw new UsageException("--arch is required.");
        string path = args.Option("out") ?? throw new UsageException("--out FILE.safetensors is required.");
        long seed = args.Long("seed") ?? throw new UsageException("--seed is required.");
        string initName = args.Option("init") ?? throw new UsageException($"--init is required ({string.Join(", ", WeightInitNames.Canonical.Keys)}).");
        WeightInit init;
        try { init = WeightInitNames.Parse(initName); }
        catch (ArgumentException) { throw new UsageException($"Unknown --init '{initName}'. Initialisations: {string.Join(", ", WeightInitNames.Canonical.Keys)} (or default, kaiming)."); }
        var genome = space.Parse(arch);
        if (!ProxyNetworks.CanBuild(genome)) throw new UsageException($"No network is defined for {space.Name} architectures.");
        var files = NetworkExport.Write(genome, path, unchecked((ulong)seed), init, dataset);
        if (files.Description is { } description) output.WriteLine(description);
        output.WriteLine($"{path}: {files.Parameters} parameters ({genome.Canonical})");
        return 0;
    }
}
