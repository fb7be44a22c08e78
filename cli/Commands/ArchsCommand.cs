using NasPS.Spaces;

namespace NasPS.Cli.Commands;

/// <summary>`nasps archs`: the CLI twin of Get-Architecture.</summary>
public sealed class ArchsCommand : ICliCommand
{
    public string Name => "archs";
    public string Summary => "list architectures of a space with their cost";
    public string Usage =>
        $"nasps archs --space NAME {Selection.Usage}\n" +
        "            [--dataset cifar10|cifar100|imagenet16] [--format table|csv|json]\n" +
        "  Shards count from 0: --shard 0/4 is the first of four. params = parameter count, flops = multiply-accumulates.";
    public IReadOnlyList<string> Options => ["space", "dataset", "format", .. Selection.OptionNames, .. NaspsCli.SpaceSettingOptions];
    public IReadOnlySet<string> Switches => new HashSet<string> { Selection.SwitchName };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        string format = args.Option("format", "table");
        if (args.Has("seed") && !args.Has("random")) throw new UsageException("--seed goes with --random.");
        var genomes = Selection.Genomes(args, space, error, Name);
        RecordWriter.Write(genomes.Select(g => ArchitectureRecord.Create(space, g, dataset)), format, output);
        return 0;
    }
}
