using NasPS.Compute.Kernels;
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Spaces;

namespace NasPS.Cli.Commands;

/// <summary>`nasps score`: the CLI twin of the Measure-* cmdlets; one column per proxy.</summary>
public sealed class ScoreCommand : ICliCommand
{
    public string Name => "score";
    public string Summary => "score architectures with zero-cost proxies";
    public string Usage =>
        $"nasps score --space NAME {Selection.Usage} --proxy NAME[,NAME…]\n" +
        "            [--data CIFAR.bin [--batch N | --start K --count N] [--augment]] [--seed S] [--inits N] [--threads N]\n" +
        "            [--dataset cifar10|cifar100|imagenet16] [--weights FILE.safetensors] [--conv winograd|direct]\n" +
        "            [--format table|csv|json]\n" +
        "  --seed seeds the random sample, the batch choice and the networks' initialisation alike.\n" +
        "  Without --data, proxies that read images use their data-free default input (noise).\n" +
        "  --inits averages N random initialisations instead of each proxy's own count (FreeREA's 3; 1: one evaluation).\n" +
        "  --weights scores the given weights (from `nasps weights`, official names) instead of initialising.\n" +
        "  --conv: how float32 forward passes convolve (default winograd, F(2×2,3×3) for 3×3 convolutions; direct gives the\n" +
        "    direct sums bit for bit; the two differ by rounding).\n" +
        "  Proxies: " + string.Join(", ", ZeroCostProxies.Names);
    public IReadOnlyList<string> Options => ["space", "dataset", "format", "proxy", "data", "batch", "start", "count", "threads", "inits", "weights", "conv", .. Selection.OptionNames, .. NaspsCli.SpaceSettingOptions];
    public IReadOnlySet<string> Switches => new HashSet<string> { Selection.SwitchName, "augment" };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        var proxies = Proxies(args);
        ulong seed = unchecked((ulong)(args.Long("seed") ?? 0));
        var runner = new ProxyRunner(proxies, new ProxyContext { Dataset = dataset, Input = Input(args, seed), Seed = seed, Repeats = Inits(args), Weights = args.Option("weights") is string w ? NetworkWeights.FromSafeTensors(w) : null, Convolution = Convolution(args) }) { ThrottleLimit = Threads(args) };
        var genomes = Selection.Genomes(args, space, error, Name);
        int failures = 0;
        var records = runner.Run(genomes).Select(scored =>
        {
            var record = ArchitectureRecord.Create(space, scored.Genome, dataset);
            if (scored.Error is not null)
            {
                error.WriteLine($"nasps score: {scored.Genome.Canonical}: {scored.Error}");
                failures++;
            }
            foreach (var r in scored.Results) record.Scores[r.Proxy] = r.Value;
            return record;
        });
        RecordWriter.Write(records, args.Option("format", "table"), output);
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The proxies named by --proxy (comma-separated).</summary>
    internal static List<IZeroCostProxy> Proxies(Arguments args) =>
        (args.Option("proxy") ?? throw new UsageException("--proxy is required (e.g. --proxy sed)."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => ZeroCostProxies.TryGet(n, out var p) ? p : throw new UsageException($"Unknown proxy '{n}'. Proxies: {string.Join(", ", ZeroCostProxies.Names)}."))
            .ToList();

    /// <summary>--inits: random initialisations per proxy (null: each proxy's protocol).</summary>
    internal static int? Inits(Arguments args)
    {
        if (args.Long("inits") is not long inits) return null;
        if (args.Has("weights")) throw new UsageException("--inits and --weights exclude each other: given weights are scored once.");
        return inits is >= 1 and <= 1000 ? (int)inits : throw new UsageException("--inits must be between 1 and 1000.");
    }

    /// <summary>--conv: the convolution algorithm of float32 forward passes (ProxyContext.Convolution).</summary>
    internal static ConvolutionAlgorithm Convolution(Arguments args) => args.Option("conv", "winograd").ToLowerInvariant() switch
    {
        "winograd" => ConvolutionAlgorithm.Winograd,
        "direct" => ConvolutionAlgorithm.Direct,
        var other => throw new UsageException($"--conv must be winograd or direct, not '{other}'."),
    };

    /// <summary>--threads: architectures scored at once, each with its share of the cores for its kernels (Parallelism.Limit).</summary>
    internal static int Threads(Arguments args)
    {
        long threads = args.Long("threads") ?? 1;
        return threads is >= 1 and <= 64 ? (int)threads : throw new UsageException("--threads must be between 1 and 64.");
    }

    /// <summary>The proxy input from --data: a seeded --batch, or images [--start, --start + --count) in file order;
    /// normalised with the file's dataset preset.</summary>
    internal static ImageBatch? Input(Arguments args, ulong seed)
    {
        if (args.Option("data") is not string path)
        {
            if (args.Has("batch") || args.Has("start") || args.Has("count") || args.Flag("augment"))
                throw new UsageException("--batch, --start, --count and --augment go with --data.");
            return null;
        }
        if (args.Has("start") || args.Has("count"))
        {
            if (args.Has("batch")) throw new UsageException("Give --batch or --start/--count, not both.");
            return Batches.FromCifarFile(path, (int)(args.Long("count") ?? throw new UsageException("--start needs --count.")), seed,
                start: (int)(args.Long("start") ?? 0), augment: args.Flag("augment"));
        }
        return Batches.FromCifarFile(path, (int)(args.Long("batch") ?? 64), seed, augment: args.Flag("augment"));
    }
}
