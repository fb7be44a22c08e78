using System.Globalization;
using System.Text.Json;
using NasPS.Analysis;
using NasPS.Benchmarks;
using NasPS.IO;
using NasPS.Proxies;
using NasPS.Spaces;

namespace NasPS.Cli.Commands;

/// <summary>`nasps correlate`: rank correlation of proxies with a benchmark's test accuracy, scored live or read from a CSV.</summary>
public sealed class CorrelateCommand : ICliCommand
{
    public string Name => "correlate";
    public string Summary => "Spearman / Kendall tau-b of proxies against benchmark accuracy";
    public string Usage =>
        $"nasps correlate --space NAME --benchmark TABLE.csv {Selection.Usage}\n" +
        "            (--proxy NAME[,NAME…] [--data CIFAR.bin [--batch N | --start K --count N]] [--threads N] [--conv winograd|direct]\n" +
        "             | --scores FILE.csv --column NAME[,NAME…])\n" +
        "            [--dataset cifar10|cifar100|imagenet16] [--top-k K] [--seed S] [--format table|csv|json]\n" +
        "  The target is the benchmark's {dataset}_test_acc column. --scores reads a CSV with an index (or arch) column,\n" +
        "  such as `nasps score` output or a table of cached proxy values.";
    public IReadOnlyList<string> Options =>
        ["space", "benchmark", "proxy", "data", "batch", "start", "count", "scores", "column", "dataset", "top-k", "format", "threads", "conv", .. Selection.OptionNames];
    public IReadOnlySet<string> Switches => new HashSet<string> { Selection.SwitchName };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        var benchmark = BenchmarkTable.Load(args.Option("benchmark") ?? throw new UsageException("--benchmark TABLE.csv is required."));
        int topK = (int)(args.Long("top-k") ?? 10);
        var genomes = Selection.Genomes(args, space, error, Name).ToList();
        var truth = genomes.Select(g => benchmark.TestAccuracy(benchmark.IndexOf(g.Canonical), dataset)).ToList();
        string target = BenchmarkTable.TestAccuracyColumn(dataset);

        Dictionary<string, List<double>> scores;
        if (args.Option("scores") is string scoresPath)
        {
            if (args.Has("proxy")) throw new UsageException("Give --proxy or --scores, not both.");
            scores = FromFile(scoresPath, args.Option("column") ?? throw new UsageException("--scores needs --column."), space, genomes);
        }
        else
        {
            if (!args.Has("proxy")) throw new UsageException("Give --proxy NAME or --scores FILE --column NAME.");
            scores = Live(args, space, dataset, genomes, error);
        }
        var rows = scores.Select(kv => CorrelationReport.Compute(kv.Key, kv.Value, target, truth, topK)).ToList();
        Write(rows, args.Option("format", "table"), output);
        return 0;
    }

    private static Dictionary<string, List<double>> Live(Arguments args, ISearchSpace space, Dataset dataset, List<Genome> genomes, TextWriter error)
    {
        ulong seed = unchecked((ulong)(args.Long("seed") ?? 0));
        var proxies = ScoreCommand.Proxies(args);
        var runner = new ProxyRunner(proxies, new ProxyContext { Dataset = dataset, Input = ScoreCommand.Input(args, seed), Seed = seed, Convolution = ScoreCommand.Convolution(args) })
        {
            ThrottleLimit = ScoreCommand.Threads(args),
        };
        var scores = proxies.ToDictionary(p => p.Name, _ => new List<double>(genomes.Count));
        foreach (var scored in runner.Run(genomes))
        {
            if (scored.Error is not null) throw new InvalidDataException($"{scored.Genome.Canonical}: {scored.Error}");
            foreach (var r in scored.Results) scores[r.Proxy].Add(r.Value);
        }
        return scores;
    }

    /// <summary>Score columns of a CSV, matched to the selection by index (or by architecture string when there is no index column).</summary>
    private static Dictionary<string, List<double>> FromFile(string path, string columns, ISearchSpace space, List<Genome> genomes)
    {
        var table = CsvTable.Load(path);
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        bool byIndex = table.HasColumn("index");
        int key = byIndex ? table.Column("index") : table.Column("arch");
        for (int r = 0; r < table.Rows.Count; r++) rowOf.TryAdd(table.Text(r, key), r);
        var result = new Dictionary<string, List<double>>();
        foreach (var column in columns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int c = table.Column(column);
            result[column] = genomes.Select(g =>
            {
                string k = byIndex ? space.IndexOf(g)?.ToString(CultureInfo.InvariantCulture) ?? "" : g.Canonical;
                return rowOf.TryGetValue(k, out int r)
                    ? table.Double(r, c) ?? double.NaN
                    : throw new InvalidDataException($"{path}: no row for {(byIndex ? "index " + k : "'" + k + "'")}.");
            }).ToList();
        }
        return result;
    }

    private static void Write(IReadOnlyList<ProxyCorrelation> rows, string format, TextWriter output)
    {
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        switch (format)
        {
            case "csv":
                output.WriteLine("proxy,target,count,spearman,kendall_tau_b,top_k,top_k_overlap");
                foreach (var r in rows) output.WriteLine($"{r.Proxy},{r.Target},{r.Count},{NumberText.Format(r.Spearman)},{NumberText.Format(r.KendallTauB)},{r.TopK},{NumberText.Format(r.TopKOverlap)}");
                break;
            case "json":
                output.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
                break;
            case "table":
                output.WriteLine($"{"proxy",-28} {"target",-18} {"n",6} {"spearman",9} {"kendall",9} {"top-k",12}");
                foreach (var r in rows) output.WriteLine($"{r.Proxy,-28} {r.Target,-18} {r.Count,6} {F(r.Spearman),9} {F(r.KendallTauB),9} {F(r.TopKOverlap) + "@" + r.TopK,12}");
                break;
            default:
                throw new UsageException($"Unknown format '{format}'. Formats: table, csv, json.");
        }
    }
}
