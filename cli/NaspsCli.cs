using NasPS.Cli.Commands;
using NasPS.Spaces;

namespace NasPS.Cli;

/// <summary>The `nasps` front end: dispatch, usage and error reporting. Exit codes: 0 success, 1 a failure in the work, 2 a usage error.</summary>
public static class NaspsCli
{
    public static readonly IReadOnlyList<ICliCommand> Commands = [new SpacesCommand(), new ArchsCommand(), new ScoreCommand(), new CorrelateCommand(), new SearchCommand(),
        new WeightsCommand(), new BenchmarkCommand(), new ParetoCommand(), new PlotCommand(), new ExportCommand()];

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h" or "-?")
        {
            var topic = args.Count > 1 ? Commands.FirstOrDefault(c => c.Name.Equals(args[1], StringComparison.OrdinalIgnoreCase)) : null;
            output.WriteLine(topic is null ? Overview() : topic.Usage);
            return 0;
        }
        if (args[0] is "--version" or "version")
        {
            output.WriteLine(typeof(NaspsCli).Assembly.GetName().Version?.ToString(3));
            return 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase));
        if (command is null)
        {
            error.WriteLine($"nasps: unknown command '{args[0]}'.");
            error.WriteLine(Overview());
            return 2;
        }
        try
        {
            var parsed = Arguments.Parse(args, command.Switches);
            parsed.RequireKnown(command.Options.Concat(command.Switches));
            return command.Run(parsed, output, error);
        }
        catch (UsageException e)
        {
            error.WriteLine($"nasps {command.Name}: {e.Message}");
            error.WriteLine(command.Usage);
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or IOException or NotSupportedException or InvalidOperationException or KeyNotFoundException)
        {
            error.WriteLine($"nasps {command.Name}: {e.Message}");
            return 1;
        }
    }

    private static string Overview() =>
        "nasps — training-free neural architecture search\n\nCommands:\n" +
        string.Join("\n", Commands.Select(c => $"  {c.Name,-10} {c.Summary}")) +
        "\n\n`nasps help COMMAND` shows a command's options.";

    /// <summary>The options that set a space's input resolution and classes (HybridEdge only).</summary>
    public static readonly IReadOnlyList<string> SpaceSettingOptions = ["resolution", "classes"];

    /// <summary>Resolves --space (with --resolution/--classes for HybridEdge), or fails with the known names.</summary>
    public static ISearchSpace Space(Arguments args)
    {
        var name = args.Option("space") ?? throw new UsageException($"--space is required ({string.Join(", ", SearchSpaces.Names)}).");
        if (!SearchSpaces.TryGet(name, out var space))
            throw new UsageException($"Unknown space '{name}'. Spaces: {string.Join(", ", SearchSpaces.Names)}.");
        long? resolution = args.Long("resolution"), classes = args.Long("classes");
        if (resolution is null && classes is null) return space;
        if (space is not Spaces.HybridEdge.HybridEdgeSpace)
            throw new UsageException($"--resolution and --classes set the HybridEdge space; {space.Name} takes them from --dataset.");
        if (resolution is < Spaces.HybridEdge.HybridEdgeSpace.MinResolution or > 4096)
            throw new UsageException($"--resolution {resolution} is outside {Spaces.HybridEdge.HybridEdgeSpace.MinResolution}..4096.");
        if (classes is < 1 or > 1_000_000) throw new UsageException($"--classes {classes} is outside 1..1000000.");
        return Spaces.HybridEdge.HybridEdgeSpace.With((int)(resolution ?? Spaces.HybridEdge.HybridEdgeSpace.DefaultResolution),
            (int)(classes ?? Spaces.HybridEdge.HybridEdgeSpace.DefaultClasses));
    }

    public static Dataset Dataset(Arguments args)
    {
        var name = args.Option("dataset", "cifar10");
        return DatasetInfo.TryParse(name, out var d)
            ? d
            : throw new UsageException($"Unknown dataset '{name}'. Datasets: {string.Join(", ", DatasetInfo.Names)}.");
    }
}
