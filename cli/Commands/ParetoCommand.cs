using NasPS.Analysis;
using NasPS.IO;

namespace NasPS.Cli.Commands;

/// <summary>`nasps pareto`: the CLI twin of Select-ParetoFront; the rows of the front, as CSV, in input order.</summary>
public sealed class ParetoCommand : ICliCommand
{
    public string Name => "pareto";
    public string Summary => "the Pareto-optimal rows of a CSV in two columns (Select-ParetoFront)";
    public string Usage =>
        $"nasps pareto {PointTable.Usage}\n" +
        "             [--x-direction min|max] [--y-direction min|max]\n" +
        "  Writes the header and the rows no other row beats in both columns (defaults: minimise x, maximise y; y defaults\n" +
        "  to test_accuracy, which --benchmark adds). Rows with an empty, NaN or infinite value take no part; ties are all kept.";
    public IReadOnlyList<string> Options => [.. PointTable.OptionNames, "x-direction", "y-direction"];
    public IReadOnlySet<string> Switches => new HashSet<string>();

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var points = PointTable.Load(args);
        var selection = ParetoFront.Select(points.Points.Select(p => p.X).ToArray(), PointTable.Direction(args, "x-direction", OptimizationDirection.Minimize),
            points.Points.Select(p => p.Y).ToArray(), PointTable.Direction(args, "y-direction", OptimizationDirection.Maximize));
        if (selection.NonFinite > 0) error.WriteLine($"nasps pareto: {selection.NonFinite} row(s) with an empty, NaN or infinite {points.X} or {points.Y} left out.");
        var table = points.Table;
        bool addAccuracy = points.Accuracy is not null && !table.HasColumn(PointTable.AccuracyColumn);
        output.WriteLine(string.Join(',', table.Header.Select(Quote)) + (addAccuracy ? "," + PointTable.AccuracyColumn : ""));
        foreach (int r in selection.Front)
            output.WriteLine(string.Join(',', table.Rows[r].Select(Quote)) + (addAccuracy ? "," + NumberText.Format(points.Accuracy![r]) : ""));
        return 0;
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
