using System.Text.Json;
using NasPS.Benchmarks;
using NasPS.IO;

namespace NasPS.Cli.Commands;

/// <summary>`nasps benchmark`: the CLI twin of Get-BenchmarkResult: the benchmark's row for each selected architecture.</summary>
public sealed class BenchmarkCommand : ICliCommand
{
    public string Name => "benchmark";
    public string Summary => "look architectures up in a benchmark table (Get-BenchmarkResult)";
    public string Usage =>
        $"nasps benchmark --benchmark TABLE.csv --space NAME {Selection.Usage}\n" +
        "                [--dataset cifar10|cifar100|imagenet16] [--format table|csv|json]\n" +
        "  index, arch, dataset and test_accuracy (the table's {dataset}_test_acc); csv and json add every numeric column of the row.";
    public IReadOnlyList<string> Options => ["benchmark", "space", "dataset", "format", .. Selection.OptionNames];
    public IReadOnlySet<string> Switches => new HashSet<string> { Selection.SwitchName };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var table = BenchmarkTable.Load(args.Option("benchmark") ?? throw new UsageException("--benchmark TABLE.csv is required."));
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        string format = args.Option("format", "table");
        if (format is not ("table" or "csv" or "json")) throw new UsageException($"Unknown format '{format}'. Formats: table, csv, json.");
        var results = Selection.Genomes(args, space, error, Name).Select(g => BenchmarkResult.Of(table, g.Canonical, dataset));
        switch (format)
        {
            case "table":
                output.WriteLine($"{"index",6} {"dataset",-10} {"test_acc",9}  arch");
                foreach (var r in results) output.WriteLine($"{r.Index,6} {r.Dataset,-10} {NumberText.Format(Math.Round(r.TestAccuracy, 2)),9}  {r.Architecture}");
                break;
            case "csv":
                string[]? columns = null;
                foreach (var r in results)
                {
                    if (columns is null)
                    {
                        columns = [.. r.Values.Keys];
                        output.WriteLine(string.Join(',', new[] { "index", "arch", "dataset", "test_accuracy" }.Concat(columns)));
                    }
                    output.WriteLine(string.Join(',', new[] { r.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Architecture, r.Dataset, NumberText.Format(r.TestAccuracy) }
                        .Concat(columns.Select(c => NumberText.Format(r.Values[c])))));
                }
                break;
            default:
                using (var stream = new MemoryStream())
                {
                    using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    {
                        json.WriteStartArray();
                        foreach (var r in results)
                        {
                            json.WriteStartObject();
                            json.WriteNumber("index", r.Index);
                            json.WriteString("arch", r.Architecture);
                            json.WriteString("dataset", r.Dataset);
                            NumberText.WriteJson(json, "test_accuracy", r.TestAccuracy);
                            foreach (var (name, value) in r.Values) NumberText.WriteJson(json, name, value);
                            json.WriteEndObject();
                        }
                        json.WriteEndArray();
                    }
                    output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
                }
                break;
        }
        return 0;
    }

}
