using NasPS.Analysis;
using NasPS.Benchmarks;
using NasPS.IO;
using NasPS.Reporting;

namespace NasPS.Cli.Commands;

/// <summary>What `nasps pareto` and `nasps plot` read: a CSV of architectures (such as `nasps score --format csv` output), two
/// numeric columns, and optionally a benchmark table that adds a test_accuracy column, as Add-BenchmarkResult does.</summary>
internal sealed class PointTable
{
    public const string Usage = "--input FILE.csv --x COLUMN [--y COLUMN] [--benchmark TABLE.csv [--dataset cifar10|cifar100|imagenet16]]";
    public static readonly IReadOnlyList<string> OptionNames = ["input", "x", "y", "benchmark", "dataset"];
    public const string AccuracyColumn = "test_accuracy";

    private PointTable(CsvTable table, IReadOnlyList<PlotPoint> points, string xColumn, string yColumn, double[]? accuracy)
    {
        (Table, Points, X, Y, Accuracy) = (table, points, xColumn, yColumn, accuracy);
    }

    /// <summary>The benchmark's test accuracy per row when --benchmark was given.</summary>
    public double[]? Accuracy { get; }

    public CsvTable Table { get; }
    /// <summary>One point per row, in row order; an empty cell is NaN (left out like a non-finite value).</summary>
    public IReadOnlyList<PlotPoint> Points { get; }
    public string X { get; }
    public string Y { get; }

    public static PointTable Load(Arguments args)
    {
        var table = CsvTable.Load(args.Option("input") ?? throw new UsageException("--input FILE.csv is required."));
        string x = args.Option("x") ?? throw new UsageException("--x COLUMN is required (e.g. --x sed or --x params).");
        string y = args.Option("y", AccuracyColumn);
        int arch = table.HasColumn("arch") ? table.Column("arch") : -1;
        double[]? accuracy = null;
        if (args.Option("benchmark") is string path)
        {
            if (arch < 0) throw new InvalidDataException($"{table.Source}: --benchmark needs an 'arch' column to look architectures up.");
            var benchmark = BenchmarkTable.Load(path);
            var dataset = NaspsCli.Dataset(args);
            accuracy = Enumerable.Range(0, table.Rows.Count).Select(r => benchmark.TestAccuracy(table.Text(r, arch), dataset)).ToArray();
        }
        else if (args.Has("dataset"))
        {
            throw new UsageException("--dataset goes with --benchmark.");
        }
        double[] Column(string name) =>
            name.Equals(AccuracyColumn, StringComparison.OrdinalIgnoreCase) && accuracy is not null
                ? accuracy
                : Enumerable.Range(0, table.Rows.Count).Select(r => table.Double(r, table.Column(name)) ?? double.NaN).ToArray();
        double[] xs = Column(x), ys = Column(y);
        var points = Enumerable.Range(0, xs.Length).Select(r => new PlotPoint(xs[r], ys[r], arch >= 0 ? table.Text(r, arch) : null)).ToList();
        return new PointTable(table, points, x, y, accuracy);
    }

    /// <summary>"max"/"maximize" or "min"/"minimize".</summary>
    public static OptimizationDirection Direction(Arguments args, string option, OptimizationDirection fallback) =>
        args.Option(option)?.ToLowerInvariant() switch
        {
            null => fallback,
            "max" or "maximize" => OptimizationDirection.Maximize,
            "min" or "minimize" => OptimizationDirection.Minimize,
            var other => throw new UsageException($"--{option} is max or min, not '{other}'."),
        };
}
