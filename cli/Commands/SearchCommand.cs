using System.Globalization;
using System.Text.Json;
using NasPS.Benchmarks;
using NasPS.IO;
using NasPS.Search;
using NasPS.Spaces;

namespace NasPS.Cli.Commands;

/// <summary>`nasps search`: the CLI twin of the Invoke-*Search cmdlets; one JSON record per run.</summary>
public sealed class SearchCommand : ICliCommand
{
    public string Name => "search";
    public string Summary => "run a search (FreeREA, SWAP-NAS, cyclic, random, SED)";
    public string Usage =>
        "nasps search --method freerea|swapnas|cyclic|random|sed --space NAME [--dataset cifar10|cifar100|imagenet16]\n" +
        "             [--budget 45s|0.75m] [--max-evaluations N] [--seed S] [--runs R] [--max-params N] [--max-flops N] [--proxy NAME[,…]] [--size-proxy NAME[,…]]\n" +
        "             [--samples N] [--cached-proxies CSV [--cached-times CSV]] [--benchmark CSV] [--data CIFAR.bin --batch N]\n" +
        "             [--threads N] [--checkpoint DIR [--resume]] [--format json|table] [--export FILE.json|FILE.csv]\n" +
        "             [--resolution R --classes K (HybridEdge)] [--target-params N (SWAP-NAS's target size)]\n" +
        "  Runs use seeds S, S+1, …, S+R-1. With --cached-proxies, NASWOT and LogSynflow come from the table and the budget\n" +
        "  is charged their recorded times; otherwise proxies run live and the budget is wall-clock time.\n" +
        "  --max-evaluations N stops after N distinct architectures are scored (the same run on any machine); given alone,\n" +
        "  it replaces the default time budget.\n" +
        "  --checkpoint DIR keeps one checkpoint per run (run-SEED.json); --resume continues them (with --runs, a run that\n" +
        "  has none yet starts afresh).\n" +
        "  --export FILE writes every run's answer and history (CSV for .csv, JSON otherwise), as Export-SearchResult does.";
    public IReadOnlyList<string> Options =>
        ["method", "space", "dataset", "budget", "max-evaluations", "seed", "runs", "max-params", "max-flops", "proxy", "size-proxy", "samples",
         "cached-proxies", "cached-times", "benchmark", "data", "batch", "start", "count", "threads", "checkpoint", "format", "export", "target-params", .. NaspsCli.SpaceSettingOptions];
    public IReadOnlySet<string> Switches => new HashSet<string> { "resume", "augment" };

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var method = ParseMethod(args.Option("method") ?? throw new UsageException("--method is required."));
        var space = NaspsCli.Space(args);
        var dataset = NaspsCli.Dataset(args);
        long firstSeed = args.Long("seed") ?? 0;
        int runs = (int)(args.Long("runs") ?? 1);
        if (runs < 1) throw new UsageException("--runs must be at least 1.");
        string format = args.Option("format", "json");
        if (format is not ("json" or "table")) throw new UsageException($"Unknown format '{format}'. Formats: json, table.");
        string? checkpointDir = args.Option("checkpoint");
        if (args.Flag("resume") && checkpointDir is null) throw new UsageException("--resume needs --checkpoint DIR.");
        if (checkpointDir is not null) Directory.CreateDirectory(checkpointDir);

        var template = new SearchRequest
        {
            Method = method,
            Space = space,
            Dataset = dataset,
            BudgetMinutes = args.Option("budget") is string b ? ParseBudgetMinutes(b) : null,
            MaxEvaluations = MaxEvaluations(args),
            TargetParameters = args.Long("target-params") is long target
                ? (target >= 1 ? target : throw new UsageException("--target-params must be at least 1."))
                : null,
            MaxParameters = args.Long("max-params"),
            MaxFlops = args.Long("max-flops"),
            Proxies = List(args.Option("proxy")),
            SizeProxies = List(args.Option("size-proxy")),
            Samples = (int)(args.Long("samples") ?? 100),
            CachedProxies = CachedTable(args),
            Benchmark = args.Option("benchmark") is string bench ? BenchmarkTable.Load(bench) : null,
            Input = args.Has("data") ? ScoreCommand.Input(args, unchecked((ulong)firstSeed)) : null,
            ThrottleLimit = ScoreCommand.Threads(args),
            Resume = args.Flag("resume"),
        };

        var results = new List<(SearchResult Result, TimeSpan Cpu)>();
        for (int r = 0; r < runs; r++)
        {
            long seed = firstSeed + r;
            string? checkpoint = checkpointDir is null ? null : Path.Combine(checkpointDir, $"run-{seed}.json");
            var request = template with { Seed = unchecked((ulong)seed), CheckpointPath = checkpoint };
            // A multi-run job stopped part-way has checkpoints only for the runs it reached; the rest start afresh.
            if (request.Resume && runs > 1 && !File.Exists(checkpoint))
            {
                error.WriteLine($"nasps search: run {r + 1}/{runs} (seed {seed}) has no checkpoint in {checkpointDir}; starting it.");
                request = request with { Resume = false };
            }
            var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var result = SearchLauncher.Run(request);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            error.WriteLine($"nasps search: run {r + 1}/{runs} (seed {seed}): {result.Best.Architecture}" +
                            (result.Best.Index is long i ? $" (index {i})" : "") +
                            (result.Best.TestAccuracy is double acc ? $", test accuracy {acc:F2}" : "") +
                            $", {result.History.Count} visited, {result.StopReason}, {result.Elapsed.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s CPU");
            results.Add((result, cpu));
        }
        if (args.Option("export") is string export) // every run's answer and history, as Export-SearchResult writes them
            File.WriteAllText(export, NasPS.Reporting.SearchResultExport.Write(results.Select(r => r.Result).ToList(),
                export.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? NasPS.Reporting.SearchResultFormat.Csv : NasPS.Reporting.SearchResultFormat.Json));
        if (format == "json") WriteJson(results, output);
        else WriteTable(results, output);
        return 0;
    }

    public static SearchMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "freerea" => SearchMethod.FreeRea,
        "swapnas" or "swap-nas" => SearchMethod.SwapNas,
        "cyclic" => SearchMethod.Cyclic,
        "random" => SearchMethod.Random,
        "sed" => SearchMethod.Sed,
        _ => throw new UsageException($"Unknown method '{text}'. Methods: freerea, swapnas, cyclic, random, sed."),
    };

    /// <summary>"45s", "0.75m", "2min", "1h" or a bare number of minutes.</summary>
    public static double ParseBudgetMinutes(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        (string number, double toMinutes) = t switch
        {
            _ when t.EndsWith("min", StringComparison.Ordinal) => (t[..^3], 1.0),
            _ when t.EndsWith('s') => (t[..^1], 1 / 60.0),
            _ when t.EndsWith('m') => (t[..^1], 1.0),
            _ when t.EndsWith('h') => (t[..^1], 60.0),
            _ => (t, 1.0),
        };
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)
            ? v * toMinutes
            : throw new UsageException($"--budget '{text}' is not a duration: use e.g. 45s, 0.75m, 2min or 1h.");
    }

    private static int? MaxEvaluations(Arguments args) => args.Long("max-evaluations") switch
    {
        null => null,
        >= 1 and <= int.MaxValue and var n => (int)n,
        var n => throw new UsageException($"--max-evaluations must be between 1 and {int.MaxValue}, not {n}."),
    };

    private static IReadOnlyList<string>? List(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>FreeREA's cached values; the metric-times table defaults to its usual name beside the proxies table.</summary>
    private static CachedProxyTable? CachedTable(Arguments args)
    {
        if (args.Option("cached-proxies") is not string proxies)
        {
            if (args.Has("cached-times")) throw new UsageException("--cached-times goes with --cached-proxies.");
            return null;
        }
        string times = args.Option("cached-times")
                       ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(proxies))!, "nb201_freerea_metric_times.csv");
        if (!File.Exists(times)) throw new FileNotFoundException($"The cached metric times '{times}' do not exist; give --cached-times.", times);
        return CachedProxyTable.Load(proxies, times);
    }

    private static void WriteJson(IReadOnlyList<(SearchResult Result, TimeSpan Cpu)> results, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var (r, cpu) in results)
            {
                json.WriteStartObject();
                json.WriteString("method", r.Algorithm);
                json.WriteString("space", r.Space);
                json.WriteString("dataset", r.Dataset);
                json.WriteNumber("seed", r.Seed);
                json.WriteString("arch", r.Best.Architecture);
                if (r.Best.Index is long index) json.WriteNumber("index", index); else json.WriteNull("index");
                json.WriteNumber("params", r.Best.Parameters);
                json.WriteNumber("flops", r.Best.Flops);
                json.WriteStartObject("scores");
                foreach (var (name, value) in r.Best.Scores)
                    NumberText.WriteJson(json, name, value);
                json.WriteEndObject();
                if (r.Best.TestAccuracy is double acc) json.WriteNumber("test_accuracy", acc);
                json.WriteNumber("visited", r.History.Count);
                json.WriteNumber("steps", r.Steps);
                json.WriteNumber("proxy_cost_s", r.ProxyCostSeconds);
                json.WriteNumber("budget_used_min", r.BudgetUsedMinutes);
                json.WriteNumber("elapsed_s", r.Elapsed.TotalSeconds);
                // Process CPU time of the run (all threads): the machine-load-independent cost, unlike elapsed_s.
                json.WriteNumber("cpu_s", cpu.TotalSeconds);
                json.WriteString("stop_reason", r.StopReason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteTable(IReadOnlyList<(SearchResult Result, TimeSpan Cpu)> results, TextWriter output)
    {
        output.WriteLine($"{"seed",6} {"index",6} {"test_acc",9} {"visited",8} {"elapsed_s",10} {"cpu_s",8}  arch");
        foreach (var (r, cpu) in results)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Seed,6} {r.Best.Index,6} {(r.Best.TestAccuracy is double a ? a.ToString("F2", CultureInfo.InvariantCulture) : "-"),9} {r.History.Count,8} {r.Elapsed.TotalSeconds,10:F1} {cpu.TotalSeconds,8:F1}  {r.Best.Architecture}"));
        if (results.Count > 1 && results.All(r => r.Result.Best.TestAccuracy is not null))
        {
            var accs = results.Select(r => r.Result.Best.TestAccuracy!.Value).ToList();
            double mean = accs.Average(), std = Math.Sqrt(accs.Sum(a => (a - mean) * (a - mean)) / accs.Count);
            output.WriteLine($"mean test accuracy {mean:F3} ± {std:F3} over {accs.Count} runs");
        }
    }
}
