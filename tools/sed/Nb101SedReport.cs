#:project ../../core/NasPS.Core.csproj
// Reports the SED-inspired proxy on the 500 NAS-Bench-101 cells of the NASLib subset: Spearman and Kendall tau-b against
// naslib_val_accuracy (CIFAR-10), next to the subset's own columns (params, FLOPs, NASLib's proxies) on the same cells;
// the time to score all 500; and, for scale, NasPS's LogSynflow (FreeREA protocol) on a few of them.
// Run from the repository root: dotnet run -c Release tools/sed/Nb101SedReport.cs [-- path/to/shared/data]
using System.Diagnostics;
using NasPS.Analysis;
using NasPS.IO;
using NasPS.Proxies;
using NasPS.Proxies.Sed;
using NasPS.Spaces;
using NasPS.Spaces.NasBench101;

string data = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data");
var table = CsvTable.Load(Path.Combine(data, "nb101", "nb101_naslib_zc_subset.csv"));
int n = table.Rows.Count;
var cells = new Nb101Genome[n];
for (int row = 0; row < n; row++)
{
    string bits = table.Text(row, table.Column("adjacency_7x7_rowmajor"));
    var matrix = new bool[7, 7];
    for (int k = 0; k < 49; k++) matrix[k / 7, k % 7] = bits[k] == '1';
    cells[row] = Nb101Genome.Create(matrix, table.Text(row, table.Column("ops")).Split('|'));
}
double[] Column(string name) => Enumerable.Range(0, n).Select(r => table.Double(r, table.Column(name))!.Value).ToArray();
var accuracy = Column("naslib_val_accuracy");

var sed = SedScore.Instance;
var scores = cells.Select(c => sed.Score(c)).ToArray();
Console.WriteLine($"SED-inspired proxy '{sed.Name}' version {sed.Version} on {n} NAS-Bench-101 cells, against naslib_val_accuracy (CIFAR-10)");
void Report(string label, double[] values)
{
    var a = RankCorrelation.Compare(values, accuracy);
    Console.WriteLine($"{label,-22} Spearman {a.Spearman,7:F4}  Kendall tau-b {a.KendallTauB,7:F4}");
}
Report("sed", scores);
foreach (var column in new[] { "naslib_params", "naslib_flops", "synflow", "snip", "grad_norm", "fisher", "l2_norm", "jacov", "grasp", "plain", "epe_nas" })
    Report(column, Column(column));
Console.WriteLine($"sed vs naslib_params: Spearman {RankCorrelation.Spearman(scores, Column("naslib_params")):F4}");

const int Runs = 21;
var times = new double[Runs];
double checksum = 0;
for (int run = 0; run < Runs + 5; run++)
{
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < n; i++) scores[i] = sed.Score(cells[i]);
    watch.Stop();
    if (run >= 5) times[run - 5] = watch.Elapsed.TotalMilliseconds;
    checksum += scores.Sum();
}
Array.Sort(times);
Console.WriteLine($"all {n} cells: median {times[Runs / 2]:F3} ms over {Runs} runs (min {times[0]:F3}, max {times[^1]:F3}); " +
                  $"per architecture {times[Runs / 2] * 1000 / n:F2} µs  [checksum {checksum:F1}]");

// For scale: NasPS's LogSynflow (float64, 3 kaiming inits, batch 1 at 32×32) on rows 0, 100, 200.
var logSynflow = ZeroCostProxies.Get("logsynflow");
var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 0 };
logSynflow.Score(cells[55], context); // warm-up
foreach (int row in new[] { 0, 100, 200 })
{
    var watch = Stopwatch.StartNew();
    logSynflow.Score(cells[row], context);
    watch.Stop();
    Console.WriteLine($"logsynflow row {row} ({cells[row].VertexCount} vertices): {watch.Elapsed.TotalMilliseconds:F0} ms = {watch.Elapsed.TotalMilliseconds * 1000 / (times[Runs / 2] * 1000 / n):F0}× one SED score");
}
