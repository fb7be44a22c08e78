using NasPS.Spaces;

namespace NasPS.Cli.Commands;

/// <summary>`nasps archs`: the CLI twin of Get-Architecture.</summary>
public sealed class ArchsCommand : ICliCommand
{
    public string Name => "archs";
    public string Summary => "list architectures of a space with their cost";
    public string Usage =>
        "nasps archs --space NAME (--all [--shard i/n] | --random N [--seed S] | --index I[,I…] | --arch STR)\n" +
        "            [--dataset cifar10|cifar100|imagenet16] [--format table|csv|json]\n" +
        "  Shards count from 0: --shard 0/4 is the first of four. params = parameter count, flops = multiply-accumulates.";
    public IReadOnlyList<string> Options => ["space", "random", "seed", "index", "arch", "dataset", "shard", "format"];
    public IReadOnlySet<string> Switches => new HashSet<string> { "all" };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        string format = args.Option("format", "table");
        int selectors = new[] { "all", "random", "index", "arch" }.Count(args.Has);
        if (selectors != 1) throw new UsageException("Give exactly one of --all, --random, --index, --arch.");
        if (args.Has("shard") && !args.Flag("all")) throw new UsageException("--shard goes with --all.");
        if (args.Has("seed") && !args.Has("random")) throw new UsageException("--seed goes with --random.");

        IEnumerable<Genome> genomes;
        if (args.Flag("all"))
        {
            var (shard, count) = args.Option("shard") is string s ? ArchitectureQuery.ParseShard(s) : (0, 1);
            genomes = ArchitectureQuery.All(space, shard, count);
        }
        else if (args.Long("random") is long n)
        {
            if (n is < 0 or > int.MaxValue) throw new UsageException($"--random must be between 0 and {int.MaxValue}.");
            long seed = args.Long("seed") ?? Random.Shared.NextInt64();
            if (!args.Has("seed")) error.WriteLine($"nasps archs: no --seed given; using --seed {seed}.");
            genomes = ArchitectureQuery.Random(space, (int)n, unchecked((ulong)seed));
        }
        else if (args.Option("index") is string indices)
        {
            genomes = indices.Split(',').Select(t => long.TryParse(t.Trim(), out long i)
                ? space.FromIndex(i)
                : throw new UsageException($"--index takes integers separated by commas; '{t}' is not one.")).ToList();
        }
        else
        {
            genomes = [space.Parse(args.Option("arch")!)];
        }
        RecordWriter.Write(genomes.Select(g => ArchitectureRecord.Create(space, g, dataset)), format, output);
        return 0;
    }
}
