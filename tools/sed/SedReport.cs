#:project ../../core/NasPS.Core.csproj
// Reports the frozen SED-inspired proxy on all 15,625 NB201 architectures: Spearman and Kendall tau-b
// against the test accuracy of each dataset, and the time to score the whole space.
// Run from the repository root: dotnet run -c Release tools/sed/SedReport.cs [-- path/to/shared/data]
using System.Diagnostics;
using NasPS.Analysis;
using NasPS.Benchmarks;
using NasPS.Proxies.Sed;
using NasPS.Spaces.NasBench201;

string data = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data");
var table = BenchmarkTable.Load(Path.Combine(data, "nb201", "nb201.csv"));
var cells = new Nb201Genome[table.Count];
for (int i = 0; i < cells.Length; i++) cells[i] = NasBench201Space.Instance.Parse(table.Architecture(i));

var sed = SedScore.Instance;
var scores = new double[cells.Length];
Console.WriteLine($"SED-inspired proxy '{sed.Name}' version {sed.Version}, skip penalty {SedScore.SkipPenalty}");
foreach (var dataset in new[] { "cifar10", "cifar100", "imagenet16" })
{
    for (int i = 0; i < cells.Length; i++) scores[i] = sed.Score(cells[i]);
    var accuracy = table.Column($"{dataset}_test_acc").ToArray();
    var agreement = RankCorrelation.Compare(scores, accuracy);
    Console.WriteLine($"{dataset,-10}  n {agreement.Pairs}  Spearman {agreement.Spearman:F4}  Kendall tau-b {agreement.KendallTauB:F4}  top-1% overlap {RankCorrelation.TopKOverlap(scores, accuracy, 156):F3}");
}

// Timing: score the whole space repeatedly (first runs warm up the JIT), report the median.
const int Runs = 21;
var times = new double[Runs];
double checksum = 0;
for (int run = 0; run < Runs + 5; run++)
{
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < cells.Length; i++) scores[i] = sed.Score(cells[i]);
    watch.Stop();
    if (run >= 5) times[run - 5] = watch.Elapsed.TotalMilliseconds;
    checksum += scores.Where(double.IsFinite).Sum(); // keeps the work observable
}
Array.Sort(times);
double median = times[Runs / 2];
Console.WriteLine($"whole space ({cells.Length} cells): median {median:F3} ms over {Runs} runs (min {times[0]:F3}, max {times[^1]:F3}); " +
                  $"per architecture {median * 1000 / cells.Length:F3} µs  [checksum {checksum:F1}]");
