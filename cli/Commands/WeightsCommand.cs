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
        "  --init: " + string.Join(", ", InitNames.Keys) + " (the initialisations the proxies use; the\n" +
        "  same seed and init give the weights of a proxy's first repeat).";
    public IReadOnlyList<string> Options => ["space", "arch", "seed", "init", "out", "dataset"];
    public IReadOnlySet<string> Switches => new HashSet<string>();

    /// <summary>The --init names, in the proxies' vocabulary.</summary>
    public static readonly IReadOnlyDictionary<string, WeightInit> InitNames = new Dictionary<string, WeightInit>(StringComparer.OrdinalIgnoreCase)
    {
        ["pytorch-default"] = WeightInit.PyTorchDefault,
        ["kaiming-fan-out"] = WeightInit.KaimingNormalFanOut,
        ["normal"] = WeightInit.StandardNormal,
    };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        string arch = args.Option("arch") ?? throw new UsageException("--arch is required.");
        string path = args.Option("out") ?? throw new UsageException("--out FILE.safetensors is required.");
        long seed = args.Long("seed") ?? throw new UsageException("--seed is required.");
        string initName = args.Option("init") ?? throw new UsageException($"--init is required ({string.Join(", ", InitNames.Keys)}).");
        if (!InitNames.TryGetValue(initName, out var init))
            throw new UsageException($"Unknown --init '{initName}'. Initialisations: {string.Join(", ", InitNames.Keys)}.");
        var genome = space.Parse(arch);
        if (!ProxyNetworks.CanBuild(genome)) throw new UsageException($"No network is defined for {space.Name} architectures.");
        var network = ProxyNetworks.Build<float>(genome, dataset.Classes());
        ProxyNetworks.Initialize(network, init, new Rng(unchecked((ulong)seed)));
        network.SaveSafeTensors(path, new Dictionary<string, string>
        {
            ["space"] = space.Name, ["arch"] = genome.Canonical, ["dataset"] = dataset.ShortName(),
            ["init"] = initName.ToLowerInvariant(), ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        output.WriteLine($"{path}: {network.StateEntries().Count} tensors, {network.ParameterCount()} parameters ({genome.Canonical})");
        return 0;
    }
}
