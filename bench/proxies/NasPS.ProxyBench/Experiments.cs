using System.Globalization;
using System.Text;
using NasPS.Analysis;
using NasPS.Benchmarks;
using NasPS.Data;
using NasPS.IO;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

namespace NasPS.ProxyBench;

/// <summary>The seeded-sample correlation experiment of docs/proxy-results.md.</summary>
public static class Experiments
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public static string DataRoot => Environment.GetEnvironmentVariable("NASPS_SHARED_DATA") ?? "/work/shared/data";

    /// <summary>The proxy-input pool of a dataset, raw (0..1) pixels at the dataset resolution. Test images are the
    /// project's stand-in for training images (spec §3.9); ImageNet16-120 uses CIFAR-10 images downsampled 2×2-average.</summary>
    public static ImageBatch RawImages(Dataset dataset) => dataset switch
    {
        Dataset.Cifar10 => CifarReader.Read(Path.Combine(DataRoot, "cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10),
        Dataset.Cifar100 => CifarReader.Read(Path.Combine(DataRoot, "cifar100/test_first916.bin"), CifarFormat.Cifar100),
        _ => Downsample2x(CifarReader.Read(Path.Combine(DataRoot, "cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10)),
    };

    public static Normalization NormalizationOf(Dataset dataset) => dataset switch
    {
        Dataset.Cifar10 => Normalization.Cifar10,
        Dataset.Cifar100 => Normalization.Cifar100,
        _ => Normalization.ImageNet16,
    };

    /// <summary>FreeREA's input (spec §3.9): one fixed batch, RandomCrop with padding (4, or 2 at 16×16) + flip, normalised.</summary>
    public static ImageBatch FreeReaBatch(Dataset dataset, int count, ulong seed)
    {
        var raw = Batches.Sample(RawImages(dataset), count, seed);
        return NormalizationOf(dataset).Apply(Batches.Augment(raw, dataset == Dataset.ImageNet16_120 ? 2 : 4, seed));
    }

    public static ImageBatch Downsample2x(ImageBatch b)
    {
        int h = b.Height / 2, w = b.Width / 2;
        var pixels = new float[b.Count * b.Channels * h * w];
        for (int n = 0; n < b.Count * b.Channels; n++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int s = n * b.Height * b.Width + 2 * y * b.Width + 2 * x;
            pixels[n * h * w + y * w + x] = (b.Pixels[s] + b.Pixels[s + 1] + b.Pixels[s + b.Width] + b.Pixels[s + b.Width + 1]) / 4;
        }
        return new ImageBatch(pixels, b.Labels, b.Channels, h, w, b.Source + ", 2×2-average downsampled to 16×16");
    }

    /// <summary>The seeded sample: the first <paramref name="count"/> indices of a shuffle of 0..15624.</summary>
    public static int[] SampleIndices(int count, ulong seed)
    {
        var order = Enumerable.Range(0, 15625).ToArray();
        new Rng(seed).Shuffle<int>(order);
        return order[..count];
    }

    public static int Cost(Options o)
    {
        var dataset = DatasetInfo.Parse(o.Text("dataset", "cifar10"));
        var ctx = new ProxyContext { Dataset = dataset, Input = FreeReaBatch(dataset, 128, 3), Seed = 3 };
        var genome = NasBench201Space.Instance.FromIndex(int.Parse(o.Text("arg", "1462"), Inv));
        Console.WriteLine(genome.Canonical);
        foreach (var p in ZeroCostProxies.All.Where(p => p.Supports(genome)))
        {
            var r = p.Score(genome, ctx);
            Console.WriteLine($"{p.Name,-16} {r.Value,16:G10} {r.Elapsed.TotalSeconds,8:F3}s  {r.Protocol}");
        }
        return 0;
    }

    /// <summary>Scores the seeded sample and appends one CSV row per (dataset, architecture) as it goes.</summary>
    public static int Score(Options o)
    {
        string outPath = o.Text("out") ?? throw new ArgumentException("--out FILE is required.");
        int count = o.Int("count", 1000), naswotCount = o.Int("naswot-count", 300), swapCount = o.Int("swap-count", 0);
        ulong sampleSeed = (ulong)o.Int("sample-seed", 2026);
        var datasets = o.Text("datasets", "cifar10,cifar100,imagenet16").Split(',').Select(DatasetInfo.Parse).ToList();
        int parallel = o.Int("parallel", 1);
        var indices = SampleIndices(count, sampleSeed);
        var synflow = new SynflowProxy(SynflowVariant.LogSynflow);
        var naswot = NaswotProxy.FreeRea();
        var swap = new SwapProxy(regularised: false);
        bool header = !File.Exists(outPath);
        using var writer = new StreamWriter(outPath, append: true) { AutoFlush = true };
        if (header) writer.WriteLine("dataset,index,arch,params,logsynflow,logsynflow_eps,synflow,synflow_s,naswot,naswot_s,swap,swap_s");
        foreach (var dataset in datasets)
        {
            var ctx = new ProxyContext { Dataset = dataset, Input = FreeReaBatch(dataset, 64, 3), Seed = 3 };
            var swapCtx = new ProxyContext { Dataset = dataset, Input = NormalizationOf(dataset).Apply(Batches.Sample(RawImages(dataset), 16, 3)), Seed = 3 };
            Console.Error.WriteLine($"{dataset.ShortName()}: {ctx.Input!.Source}");
            var rows = new string[indices.Length];
            Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel }, k =>
            {
                var genome = NasBench201Space.Instance.FromIndex(indices[k]);
                var t0 = DateTime.UtcNow;
                var terms = synflow.ScoreTerms(genome, ctx);
                double synSeconds = (DateTime.UtcNow - t0).TotalSeconds;
                string naswotText = "", naswotSeconds = "", swapText = "", swapSeconds = "";
                if (k < naswotCount)
                {
                    var r = naswot.Score(genome, ctx);
                    (naswotText, naswotSeconds) = (F(r.Value), F(r.Elapsed.TotalSeconds));
                }
                if (k < swapCount)
                {
                    var r = swap.Score(genome, swapCtx);
                    (swapText, swapSeconds) = (F(r.Value), F(r.Elapsed.TotalSeconds));
                }
                long parameters = NasBench201Space.Instance.CountParameters(genome, dataset);
                string row = string.Join(',', dataset.ShortName(), indices[k].ToString(Inv), CsvQuote(genome.Canonical), parameters.ToString(Inv),
                    F(terms.LogSynflow), F(terms.LogSynflowEpsilon), F(terms.Synflow), F(synSeconds), naswotText, naswotSeconds, swapText, swapSeconds);
                lock (writer) writer.WriteLine(row);
            });
        }
        return 0;
    }

    private static string F(double v) => double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", Inv);
    private static string CsvQuote(string s) => s.Contains(',') ? $"\"{s}\"" : s;

    /// <summary>Spearman ρ of each NasPS score against the dataset's test accuracy, next to FreeREA's cached value of the
    /// same proxy on the same architectures, and ρ between the two.</summary>
    public static int Analyse(Options o)
    {
        string inPath = o.Text("in") ?? throw new ArgumentException("--in FILE is required.");
        var table = CsvTable.Load(inPath);
        var bench = BenchmarkTable.Load(Path.Combine(DataRoot, "nb201/nb201.csv"));
        var cached = CsvTable.Load(Path.Combine(DataRoot, "nb201/nb201_cached_proxies.csv"));
        var report = new StringBuilder();
        report.AppendLine("| dataset | proxy (NasPS) | n | ρ NasPS vs test acc | cached column | ρ cached vs test acc (same archs) | Δρ | ρ NasPS vs cached |");
        report.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var dataset in new[] { Dataset.Cifar10, Dataset.Cifar100, Dataset.ImageNet16_120 })
        {
            var rows = table.Rows.Where(r => r[table.Column("dataset")] == dataset.ShortName()).ToList();
            if (rows.Count == 0) continue;
            foreach (var (ours, theirs) in new[] { ("logsynflow", "freerea_logsynflow"), ("logsynflow_eps", "freerea_logsynflow"), ("synflow", "freerea_synflow"), ("naswot", "freerea_naswot"), ("params", "") , ("swap", "")})
            {
                var usable = rows.Where(r => r[table.Column(ours)].Length > 0).ToList();
                if (usable.Count == 0) continue;
                var index = usable.Select(r => int.Parse(r[table.Column("index")], Inv)).ToArray();
                var score = usable.Select(r => ParseValue(r[table.Column(ours)])).ToArray();
                var accuracy = index.Select(i => bench.TestAccuracy(i, dataset)).ToArray();
                double rho = RankCorrelation.Spearman(score, accuracy);
                string cachedCells = "| – | – | – | –";
                if (theirs.Length > 0)
                {
                    string column = $"{dataset.ShortName()}_{theirs}";
                    int c = cached.Column(column);
                    var reference = index.Select(i => ParseValue(cached.Rows[i][c])).ToArray();
                    double rhoCached = RankCorrelation.Spearman(reference, accuracy);
                    cachedCells = $"| {column} | {rhoCached:F4} | {rho - rhoCached:+0.0000;-0.0000} | {RankCorrelation.Spearman(score, reference):F4}";
                }
                report.AppendLine($"| {dataset.ShortName()} | {ours} | {usable.Count} | {rho:F4} {cachedCells} |");
            }
            var times = rows.Select(r => ParseValue(r[table.Column("synflow_s")])).ToArray();
            var naswotTimes = rows.Where(r => r[table.Column("naswot_s")].Length > 0).Select(r => ParseValue(r[table.Column("naswot_s")])).ToArray();
            Console.Error.WriteLine($"{dataset.ShortName()}: median seconds/arch LogSynflow-family (3 inits) {Median(times):F3}, NASWOT (3 inits) {(naswotTimes.Length > 0 ? Median(naswotTimes) : double.NaN):F3}");
        }
        Console.Write(report);
        return 0;
    }

    private static double ParseValue(string s) => s switch
    {
        "-inf" => double.NegativeInfinity,
        "inf" => double.PositiveInfinity,
        _ => double.Parse(s, Inv),
    };

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
