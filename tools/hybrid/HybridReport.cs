#:project ../../core/NasPS.Core.csproj
// HybridEdge numbers for docs/hybrid-edge.md: proxy time per architecture at a resolution, the LogSynflow width sweep and
// the entropic score across topologies. Run from the repository root:
//   dotnet run -c Release tools/hybrid/HybridReport.cs -- timing 224 [samples]   (also 112)
//   dotnet run -c Release tools/hybrid/HybridReport.cs -- sanity 64
//   dotnet run -c Release tools/hybrid/HybridReport.cs -- search 112 MAXMACS MINUTES   (live cyclic search, 5M params)
using System.Diagnostics;
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Search;
using NasPS.Search.Cyclic;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;

string mode = args.Length > 0 ? args[0] : "sanity";
int resolution = args.Length > 1 ? int.Parse(args[1]) : 64;
var space = HybridEdgeSpace.With(resolution, 1000);

ProxyContext Context(int batch) => new() { Dataset = Dataset.Cifar10, Seed = 1, Input = Batches.Gaussian(batch, 3, resolution, resolution, 7) };

if (mode == "timing")
{
    int samples = args.Length > 2 ? int.Parse(args[2]) : 3;
    var rng = new Rng(2026);
    var genomes = new List<HybridEdgeGenome>();
    while (genomes.Count < samples)
    {
        var g = space.Sample(rng);
        if (HybridEdgeCost.Of(g.WithSetting(224, 1000)).Macs <= 600_000_000) genomes.Add(g); // edge-sized models
    }
    string[] proxies = ["entropic", "logsynflow", "naswot", "swap", "sed"];
    var context = Context(64);
    // Warm-up (JIT) on the first genome at 32×32, untimed: the first call of a proxy otherwise pays for compilation.
    var warm = genomes[0].WithSetting(32, 1000);
    var warmContext = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1, Input = Batches.Gaussian(64, 3, 32, 32, 7) };
    foreach (var name in proxies) ZeroCostProxies.Get(name).Score(warm, warmContext);
    var process = Process.GetCurrentProcess();
    Console.WriteLine($"# wall s / process CPU s per proxy; load {File.ReadAllText("/proc/loadavg").Trim()}");
    foreach (var g in genomes)
    {
        var (p, m) = HybridEdgeCost.Of(g);
        Console.Write($"{g.Canonical}  params {p:N0} MACs@{resolution} {m:N0}");
        foreach (var name in proxies)
        {
            var proxy = ZeroCostProxies.Get(name);
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var r = proxy.Score(g, context);
            process.Refresh();
            Console.Write($" | {name} {r.Value:G6} {sw.Elapsed.TotalSeconds:F2}s/{(process.TotalProcessorTime - cpu).TotalSeconds:F2}s");
        }
        Console.WriteLine();
    }
    Console.WriteLine($"# load {File.ReadAllText("/proc/loadavg").Trim()}");
    return;
}

if (mode == "search")
{
    long maxMacs = long.Parse(args[2]);
    double minutes = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    // Small populations: a live evaluation takes seconds here, not the milliseconds of cached NB201 values.
    var options = new CyclicSearchOptions
    {
        Constraints = new SearchConstraints { Dataset = Dataset.Cifar10, MaxFlops = maxMacs, MaxParameters = 5_000_000 },
        Seed = 1, Accounting = BudgetAccounting.WallClock, BudgetMinutes = minutes, MaxCycles = 3,
        Topology = new CyclicPhaseOptions { PopulationSize = 6, TournamentSize = 3, BudgetMinutes = minutes * 0.3 },
        Size = new CyclicPhaseOptions { PopulationSize = 6, TournamentSize = 3, BudgetMinutes = minutes * 0.2 },
    };
    var topology = ProxyScorer.Live([ZeroCostProxies.Get("entropic")], Dataset.Cifar10, null, 1);
    var size = ProxyScorer.Live([ZeroCostProxies.Get("logsynflow")], Dataset.Cifar10, null, 1);
    var sw = Stopwatch.StartNew();
    var result = CyclicSearch.Run(new HybridEdgeFactoredSpace(space), topology, size, options);
    var best = (HybridEdgeGenome)result.BestGenome;
    var (p, m) = HybridEdgeCost.Of(best);
    var (_, m224) = HybridEdgeCost.Of(best.WithSetting(224, 1000));
    Console.WriteLine($"best {best.Canonical}; params {p:N0}; MACs@{resolution} {m:N0}; MACs@224 {m224:N0}");
    Console.WriteLine($"visited {result.History.Count}, steps {result.Steps}, stop {result.StopReason}, wall {sw.Elapsed.TotalMinutes:F2} min, proxy cost {result.ProxyCostSeconds:F0} s");
    foreach (var phase in result.History.GroupBy(r => r.Phase)) Console.WriteLine($"  {phase.Key}: {phase.Count()} visited");
    return;
}

// sanity: LogSynflow over widths at fixed topology; entropic over topologies at fixed size.
var logsynflow = ZeroCostProxies.Get("logsynflow");
var entropic = ZeroCostProxies.Get("entropic");
string[] topologies = ["mb3|mb3|mb3|mb3", "mb5se|mb5se|attn:h2:m2|attn:h2:m2", "mb7|mb7|attn_dw:h2:m2|attn_dw:h2:m2", "mb3|mb3|mb3|attn:h4:m4"];
foreach (var t in topologies)
{
    var blocks = t.Split('|');
    for (int wi = 0; wi < 3; wi++)
    {
        int[][] widths = [[16, 32, 64, 96], [24, 48, 96, 160], [32, 64, 128, 256]];
        var stages = blocks.Select((b, i) =>
        {
            var parts = b.Split(':');
            string extra = parts.Length > 1 ? ":" + string.Join(":", parts[1..]) : "";
            if (extra.Length > 0) extra = ":" + parts[1] + ":" + parts[2];
            return $"{parts[0]}:d2:w{widths[wi][i]}:e4" + (parts.Length > 1 ? $":{parts[1]}:{parts[2]}" : "");
        });
        var g = space.Parse($"stem16|{string.Join("|", stages)}|head768");
        double ls = logsynflow.Score(g, Context(1)).Value;
        double en = entropic.Score(g, Context(16)).Value;
        Console.WriteLine($"{g.Canonical,-90} logsynflow {ls,12:F2} entropic {en,10:F4} params {HybridEdgeCost.Of(g).Parameters,10:N0}");
    }
}
