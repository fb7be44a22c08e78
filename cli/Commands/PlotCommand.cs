using NasPS.IO;
using NasPS.Reporting;

namespace NasPS.Cli.Commands;

/// <summary>`nasps plot`: the CLI twin of Export-NasPlot; writes one SVG and opens nothing.</summary>
public sealed class PlotCommand : ICliCommand
{
    public string Name => "plot";
    public string Summary => "write an SVG: score-vs-accuracy scatter, search progress or Pareto front (Export-NasPlot)";
    public string Usage =>
        $"nasps plot --kind scatter|pareto --out FILE.svg {PointTable.Usage} [--x-direction min|max] [--y-direction min|max]\n" +
        "nasps plot --kind progress --out FILE.svg --input HISTORY.csv [--seed S]\n" +
        "  scatter: --y (default test_accuracy, which --benchmark adds) against --x, Spearman rho and Kendall tau in the title.\n" +
        "  pareto: every row, the Pareto front of --x (minimised by default) and --y (maximised) highlighted.\n" +
        "  progress: best score and accuracy per generation from a history written by `nasps search --export FILE.csv`\n" +
        "  (or Export-SearchResult -Format Csv); --seed picks one run when the file holds several.";
    public IReadOnlyList<string> Options => [.. PointTable.OptionNames, "kind", "out", "x-direction", "y-direction", "seed"];
    public IReadOnlySet<string> Switches => new HashSet<string>();

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        string kind = args.Option("kind") ?? throw new UsageException("--kind scatter|progress|pareto is required.");
        string path = args.Option("out") ?? throw new UsageException("--out FILE.svg is required.");
        string svg = kind.ToLowerInvariant() switch
        {
            "scatter" => Scatter(args),
            "pareto" => Pareto(args),
            "progress" => Progress(args),
            _ => throw new UsageException($"Unknown kind '{kind}'. Kinds: scatter, progress, pareto."),
        };
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        File.WriteAllText(path, svg, new System.Text.UTF8Encoding(false));
        error.WriteLine($"nasps plot: wrote {path}");
        return 0;
    }

    private static string Scatter(Arguments args)
    {
        if (args.Has("x-direction") || args.Has("y-direction")) throw new UsageException("--x-direction and --y-direction go with --kind pareto.");
        var t = PointTable.Load(args);
        return NasPlots.Scatter(t.Points, t.X, t.Y);
    }

    private static string Pareto(Arguments args)
    {
        var t = PointTable.Load(args);
        return NasPlots.Pareto(t.Points, t.X, PointTable.Direction(args, "x-direction", NasPS.Analysis.OptimizationDirection.Minimize),
            t.Y, PointTable.Direction(args, "y-direction", NasPS.Analysis.OptimizationDirection.Maximize));
    }

    private static string Progress(Arguments args)
    {
        foreach (var option in new[] { "x", "y", "benchmark", "dataset", "x-direction", "y-direction" })
            if (args.Has(option)) throw new UsageException($"--{option} does not go with --kind progress.");
        var table = CsvTable.Load(args.Option("input") ?? throw new UsageException("--input HISTORY.csv is required."));
        var history = SearchResultExport.ReadHistoryCsv(table);
        string Cell(int row, string column) => table.HasColumn(column) ? table.Text(row, table.Column(column)) : "?";
        var runs = Enumerable.Range(0, history.Count).GroupBy(r => Cell(r, "seed")).ToList();
        if (args.Long("seed") is long seed)
            runs = runs.Where(g => g.Key == seed.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (runs.Count != 1)
            throw new UsageException(runs.Count == 0
                ? $"{table.Source} has no run with that seed."
                : $"{table.Source} holds {runs.Count} runs (seeds {string.Join(", ", runs.Select(g => g.Key))}); pick one with --seed.");
        var rows = runs[0].ToList();
        int first = rows[0];
        string caption = $"{Cell(first, "algorithm")} on {Cell(first, "space")} ({Cell(first, "dataset")}), seed {Cell(first, "seed")}";
        return NasPlots.Progress(rows.Select(r => history[r]).ToList(), caption);
    }
}
