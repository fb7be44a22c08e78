using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NasPS.Analysis;
using NasPS.Cli;
using NasPS.IO;
using Xunit;

namespace NasPS.Tests.Reporting;

/// <summary>The CLI twins of the reporting cmdlets: nasps benchmark, pareto, plot and search --export.</summary>
public sealed class ReportingCliTests : IDisposable
{
    private static readonly string Benchmark = SharedData.Path("nb201/nb201.csv");
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _dir = Directory.CreateTempSubdirectory("nasps-reporting-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NaspsCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string File(string name) => Path.Combine(_dir, name);

    [Fact]
    public void BenchmarkLooksUpTheTablesRow()
    {
        var (code, text, err) = Run("benchmark", "--benchmark", Benchmark, "--space", "nb201", "--index", "9930,0", "--dataset", "cifar100", "--format", "csv");
        Assert.True(code == 0, err);
        var ours = CsvTable.Parse(new StringReader(text), "nasps benchmark");
        var truth = CsvTable.Load(Benchmark);
        Assert.Equal(2, ours.Rows.Count);
        foreach (var (row, index) in new[] { (0, 9930), (1, 0) })
        {
            Assert.Equal(truth.Text(index, truth.Column("arch")), ours.Text(row, ours.Column("arch")));
            Assert.Equal(truth.Double(index, truth.Column("cifar100_test_acc")), ours.Double(row, ours.Column("test_accuracy")));
            Assert.Equal(truth.Double(index, truth.Column("imagenet16_valtest_acc")), ours.Double(row, ours.Column("imagenet16_valtest_acc")));
        }
    }

    [Fact]
    public void ParetoWritesTheFrontRowsOfTheInput()
    {
        string input = File("points.csv");
        System.IO.File.WriteAllText(input, "name,cost,quality\na,1,80\nb,2,85\nc,3,90\nd,2,84\ne,4,90\nf,1.5,\ng,0.5,inf\n");
        var (code, text, err) = Run("pareto", "--input", input, "--x", "cost", "--y", "quality");
        Assert.True(code == 0, err);
        Assert.Equal(["name,cost,quality", "a,1,80", "b,2,85", "c,3,90"], text.TrimEnd().Split('\n'));
        Assert.Contains("2 row(s)", err);
        var (maxCode, maxText, _) = Run("pareto", "--input", input, "--x", "cost", "--y", "quality", "--x-direction", "max", "--y-direction", "min");
        Assert.Equal(0, maxCode);
        Assert.Equal(["name,cost,quality", "a,1,80", "d,2,84", "e,4,90"], maxText.TrimEnd().Split('\n'));
        Assert.Equal(2, Run("pareto", "--input", input, "--x", "cost", "--y", "quality", "--x-direction", "up").Code);
    }

    [Fact]
    public void ScatterTitleAgreesWithCorrelate()
    {
        string scores = File("scores.csv");
        var scored = Run("score", "--space", "nb201", "--random", "300", "--seed", "4", "--proxy", "sed", "--format", "csv");
        Assert.True(scored.Code == 0, scored.Err);
        System.IO.File.WriteAllText(scores, scored.Out);
        string svg = File("plots/sed.svg");
        var (code, _, err) = Run("plot", "--kind", "scatter", "--input", scores, "--x", "sed", "--benchmark", Benchmark, "--out", svg);
        Assert.True(code == 0, err);
        var doc = XDocument.Load(svg);
        string title = doc.Root!.Element(Svg + "title")!.Value;
        var correlate = Run("correlate", "--space", "nb201", "--random", "300", "--seed", "4", "--benchmark", Benchmark, "--scores", scores, "--column", "sed", "--format", "json");
        Assert.True(correlate.Code == 0, correlate.Err);
        var row = JsonDocument.Parse(correlate.Out).RootElement[0];
        Assert.Equal(row.GetProperty("spearman").GetDouble(), Number(title, "ρ"), 4);
        Assert.Equal(row.GetProperty("kendall_tau_b").GetDouble(), Number(title, "τ"), 4);
        // Disconnected cells score −∞ and are counted in the statistics but not drawn.
        var table = CsvTable.Parse(new StringReader(scored.Out), "scores");
        int finite = Enumerable.Range(0, table.Rows.Count).Count(r => double.IsFinite(table.Double(r, table.Column("sed"))!.Value));
        Assert.Equal(finite, doc.Descendants(Svg + "circle").Count());
    }

    private static double Number(string title, string symbol) =>
        double.Parse(Regex.Match(title, Regex.Escape(symbol) + @" = (-?[0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void SearchExportFeedsTheProgressPlot()
    {
        string history = File("history.csv");
        var search = Run("search", "--method", "freerea", "--space", "nb201", "--seed", "3", "--cached-proxies", SharedData.Path("nb201/nb201_cached_proxies.csv"),
            "--benchmark", Benchmark, "--export", history);
        Assert.True(search.Code == 0, search.Err);
        var answer = JsonDocument.Parse(search.Out).RootElement[0];
        var rows = CsvTable.Load(history);
        Assert.Equal(answer.GetProperty("visited").GetInt32(), rows.Rows.Count);
        int best = Enumerable.Range(0, rows.Rows.Count).Single(r => rows.Text(r, rows.Column("is_best")) == "true");
        Assert.Equal(answer.GetProperty("arch").GetString(), rows.Text(best, rows.Column("arch")));

        string svg = File("progress.svg");
        var (code, _, err) = Run("plot", "--kind", "progress", "--input", history, "--out", svg);
        Assert.True(code == 0, err);
        var doc = XDocument.Load(svg);
        string title = doc.Root!.Element(Svg + "title")!.Value;
        Assert.StartsWith("FreeREA on NasBench201 (cifar10), seed 3", title);
        int generations = Enumerable.Range(0, rows.Rows.Count).Select(r => rows.Text(r, rows.Column("generation"))).Distinct().Count();
        var score = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series-score");
        Assert.Equal(generations, score.Elements(Svg + "circle").Count());
        // The last point of the curve is FreeREA's answer: the history's best by the same aggregate.
        Assert.Contains(answer.GetProperty("test_accuracy").GetDouble().ToString("F2", CultureInfo.InvariantCulture) + " % test accuracy", title);
    }

    [Fact]
    public void PlotRejectsUnknownKindsAndMisplacedOptions()
    {
        Assert.Equal(2, Run("plot", "--kind", "bar", "--out", File("x.svg")).Code);
        Assert.Equal(2, Run("plot", "--kind", "progress", "--input", "h.csv", "--x", "sed", "--out", File("x.svg")).Code);
        Assert.False(System.IO.File.Exists(File("x.svg")));
    }
}
