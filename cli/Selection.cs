using NasPS.Spaces;

namespace NasPS.Cli;

/// <summary>The architecture selectors shared by the commands that take architectures:
/// --all [--shard i/n] | --random N [--seed S] | --index I[,I…] | --arch STR.</summary>
public static class Selection
{
    public static readonly IReadOnlyList<string> OptionNames = ["random", "seed", "index", "arch", "shard"];
    public const string SwitchName = "all";

    public const string Usage = "(--all [--shard i/n] | --random N [--seed S] | --index I[,I…] | --arch STR)";

    /// <summary>The selected architectures, lazily where the selection allows. --random without --seed picks a seed and reports it.</summary>
    public static IEnumerable<Genome> Genomes(Arguments args, ISearchSpace space, TextWriter error, string command)
    {
        int selectors = new[] { "all", "random", "index", "arch" }.Count(args.Has);
        if (selectors != 1) throw new UsageException("Give exactly one of --all, --random, --index, --arch.");
        if (args.Has("shard") && !args.Flag("all")) throw new UsageException("--shard goes with --all.");

        if (args.Flag("all"))
        {
            var (shard, count) = args.Option("shard") is string s ? ArchitectureQuery.ParseShard(s) : (0, 1);
            return ArchitectureQuery.All(space, shard, count);
        }
        if (args.Long("random") is long n)
        {
            if (n is < 0 or > int.MaxValue) throw new UsageException($"--random must be between 0 and {int.MaxValue}.");
            long seed = args.Long("seed") ?? Random.Shared.NextInt64();
            if (!args.Has("seed")) error.WriteLine($"nasps {command}: no --seed given; using --seed {seed}.");
            return ArchitectureQuery.Random(space, (int)n, unchecked((ulong)seed));
        }
        if (args.Option("index") is string indices)
        {
            return indices.Split(',').Select(t => long.TryParse(t.Trim(), out long i)
                ? space.FromIndex(i)
                : throw new UsageException($"--index takes integers separated by commas; '{t}' is not one.")).ToList();
        }
        return [space.Parse(args.Option("arch")!)];
    }
}
