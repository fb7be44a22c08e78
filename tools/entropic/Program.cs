using System.Diagnostics;
using System.Globalization;
using NasPS.Analysis;
using NasPS.Benchmarks;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Data;
using NasPS.Networks.NasBench201;
using NasPS.Proxies;
using NasPS.Proxies.Entropic;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

// Experiment driver for the entropic score (docs/entropic-score.md). Single-threaded by default: the machine is shared.
//   time   <batch> <archs> <side>                   forward cost with and without the entropy hooks (quick look; the
//                                                    measurement is bench/EntropicBench: alternating medians, thread CPU time)
//   design <n> <subsetSeed> <batch> <side> <out.csv>  candidate scores on a seeded subset (CIFAR-10 images and noise inputs)
//   layers <n> <subsetSeed> <batch> <side> <out.csv> [img,noise] per-layer entropies (long format) for offline aggregation
//   score  <from> <to> <batch> <dataset> <out.csv> [seed=1] frozen definition on official indices [from, to), appended
//   whole  <from> <to> <seed> <out.csv> <proxy>[,<proxy>…] [dataset=cifar10]  registered proxies (e.g. entropic,logsynflow)
//                                               on official indices [from, to), one seed for every architecture; appended, resumable
//   logsynflow <from> <to> <out.csv>            NasPS LogSynflow (released ln(1+g) definition, FreeREA protocol) on NB201, CIFAR-10
//   size   <n> <sampleSeed> <out.csv>           NATS size space: entropic, NasPS LogSynflow, params, FLOPs (CIFAR-10)
//   report <scores.csv>                         Spearman / Kendall of every numeric column against the test accuracies
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Parallelism.Degree = int.Parse(Environment.GetEnvironmentVariable("NASPS_THREADS") ?? "1", CultureInfo.InvariantCulture);
string data = Environment.GetEnvironmentVariable("NASPS_SHARED_DATA") ?? "/work/shared/data";
var table = BenchmarkTable.Load(Path.Combine(data, "nb201", "nb201.csv"));
var space = NasBench201Space.Instance;

switch (args[0])
{
    case "time": Time(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3])); break;
    case "design": Design(int.Parse(args[1]), ulong.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5]); break;
    case "score": Score(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), DatasetInfo.Parse(args[4]), args[5], args.Length > 6 ? ulong.Parse(args[6]) : 1); break;
    case "layers": Layers(int.Parse(args[1]), ulong.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5], args.Length > 6 ? args[6] : "img,noise"); break;
    case "whole": Whole(int.Parse(args[1]), int.Parse(args[2]), ulong.Parse(args[3]), args[4], args[5].Split(','), DatasetInfo.Parse(args.Length > 6 ? args[6] : "cifar10")); break;
    case "logsynflow": LogSynflow(int.Parse(args[1]), int.Parse(args[2]), args[3]); break;
    case "size": Size(int.Parse(args[1]), ulong.Parse(args[2]), args[3]); break;
    case "report": Report(args[1]); break;
    default: throw new ArgumentException($"Unknown command '{args[0]}'.");
}

ImageBatch CifarImages(int batch) =>
    Normalization.Cifar10.Apply(CifarReader.Read(Path.Combine(data, "cifar10", "test_batch_first1017.bin"), CifarFormat.Cifar10, 0, batch));

void Time(int batch, int archs, int side)
{
    var input = EntropicScore.Downsample(CifarImages(batch), side);
    var rng = new Rng(1);
    var indices = Enumerable.Range(0, archs).Select(_ => rng.NextInt(15625)).ToArray();
    double plain = 0, hooked = 0;
    foreach (int index in indices)
    {
        var genome = space.FromIndex(index);
        var net = TinyNetwork<float>.ForDataset(genome, Dataset.Cifar10, null);
        ProxyNetworks.Initialize(net, EntropicScore.Initialisation, new Rng(2));
        net.Train();
        // Four rounds alternating which pass goes first (warm buffers favour neither); the minimum of each, rounds 1–3.
        double bestPlain = double.MaxValue, bestHooked = double.MaxValue;
        for (int k = 0; k < 4; k++)
        {
            double a = 0, b = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                bool hookedPass = (pass == 1) ^ (k % 2 == 1);
                var t0 = Stopwatch.GetTimestamp();
                if (hookedPass)
                    // What the proxy runs for the frozen (Bernoulli) definition: on-counts only.
                    EntropicScore.Measure(net, input, 1e-5, moments: false);
                else
                    using (Tensors.NewScope())
                    using (Tensors.NoGrad())
                        net.Forward(Tensors.FromArray<float>(input.Pixels, input.Shape));
                double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                if (hookedPass) b = t; else a = t;
            }
            if (k > 0) { bestPlain = Math.Min(bestPlain, a); bestHooked = Math.Min(bestHooked, b); }
        }
        plain += bestPlain;
        hooked += bestHooked;
    }
    Console.WriteLine($"batch {batch}, {side}×{side}, {archs} archs: forward {plain / archs:F4} s/arch, forward+entropy {hooked / archs:F4} s/arch, ratio {hooked / plain:F3}");
}

// Candidate summaries from one forward per (architecture, input): every estimator/aggregation reads the same pass.
static IEnumerable<(string Name, double Value)> Candidates(IReadOnlyList<LayerEntropy> layers)
{
    foreach (var statistic in Enum.GetValues<LayerStatistic>())
    foreach (var estimator in Enum.GetValues<EntropyEstimator>())
    foreach (var aggregation in Enum.GetValues<LayerAggregation>())
        yield return ($"{statistic}_{estimator}_{aggregation}",
            EntropicScore.Aggregate(layers, new EntropicOptions { Statistic = statistic, Estimator = estimator, Aggregation = aggregation }));
    // Total entropy over all elements (layers weighted by their size) instead of per-layer means.
    yield return ("bern_elements", layers.Sum(l => l.MeanBernoulli * l.Elements));
    yield return ("gauss_elements", layers.Sum(l => l.MeanGaussian * l.Elements));
    // Gaussian over the layers' non-constant part only (constant units add nothing instead of the ε floor).
    yield return ("live_sum", layers.Sum(l => 1 - l.ConstantFraction));
}

void Design(int n, ulong subsetSeed, int batch, int side, string outPath)
{
    var order = Enumerable.Range(0, 15625).ToArray();
    new Rng(subsetSeed).Shuffle<int>(order);
    var subset = order[..n];
    var inputs = new (string Name, ImageBatch Batch)[]
    {
        ("img", EntropicScore.Downsample(CifarImages(batch), side)),
        ("noise", Batches.Gaussian(batch, 3, side, side, 7)),
    };
    bool header = !File.Exists(outPath);
    var done = header ? new HashSet<int>() : File.ReadLines(outPath).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToHashSet();
    using var writer = new StreamWriter(outPath, append: true);
    var sw = Stopwatch.StartNew();
    int count = 0;
    foreach (int index in subset)
    {
        if (done.Contains(index)) continue;
        var genome = space.FromIndex(index);
        var columns = new List<(string, double)>();
        foreach (var (inputName, input) in inputs)
        {
            var net = TinyNetwork<float>.ForDataset(genome, Dataset.Cifar10, null);
            ProxyNetworks.Initialize(net, EntropicScore.Initialisation, new Rng(1000 + (ulong)index));
            foreach (var (name, value) in Candidates(EntropicScore.Measure(net, input, 1e-5)))
                columns.Add(($"{inputName}_{name}", value));
        }
        if (header)
        {
            writer.WriteLine("index," + string.Join(",", columns.Select(c => c.Item1)));
            header = false;
        }
        writer.WriteLine(index + "," + string.Join(",", columns.Select(c => c.Item2.ToString("R", CultureInfo.InvariantCulture))));
        writer.Flush();
        if (++count % 20 == 0) Console.Error.WriteLine($"{count} archs, {sw.Elapsed.TotalSeconds / count:F3} s/arch");
    }
}

void Layers(int n, ulong subsetSeed, int batch, int side, string outPath, string inputList)
{
    var order = Enumerable.Range(0, 15625).ToArray();
    new Rng(subsetSeed).Shuffle<int>(order);
    var inputs = new (string Name, ImageBatch Batch)[]
    {
        ("img", EntropicScore.Downsample(CifarImages(batch), side)),
        ("noise", Batches.Gaussian(batch, 3, side, side, 7)),
    }.Where(i => inputList.Split(',').Contains(i.Name)).ToArray();
    bool header = !File.Exists(outPath);
    var done = header ? new HashSet<int>() : File.ReadLines(outPath).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToHashSet();
    using var writer = new StreamWriter(outPath, append: true);
    if (header) writer.WriteLine("index,input,layer,elements,bernoulli,gaussian,constant,variance,on");
    var sw = Stopwatch.StartNew();
    int count = 0;
    foreach (int index in order[..n])
    {
        if (done.Contains(index)) continue;
        var genome = space.FromIndex(index);
        foreach (var (inputName, input) in inputs)
        {
            var net = TinyNetwork<float>.ForDataset(genome, Dataset.Cifar10, null);
            ProxyNetworks.Initialize(net, EntropicScore.Initialisation, new Rng(1000 + (ulong)index));
            foreach (var l in EntropicScore.Measure(net, input, 1e-5))
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{index},{inputName},{l.Name},{l.Elements},{l.MeanBernoulli:R},{l.MeanGaussian:R},{l.ConstantFraction:R},{l.LayerVariance:R},{l.OnFraction:R}"));
        }
        writer.Flush();
        if (++count % 50 == 0) Console.Error.WriteLine($"{count} archs, {sw.Elapsed.TotalSeconds / count:F3} s/arch");
    }
}

void Score(int from, int to, int batch, Dataset dataset, string outPath, ulong seed)
{
    var proxy = new EntropicScore(new EntropicOptions { Batch = batch });
    Console.Error.WriteLine(proxy.Options.Describe());
    bool header = !File.Exists(outPath);
    var done = header ? new HashSet<int>() : File.ReadLines(outPath).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToHashSet();
    using var writer = new StreamWriter(outPath, append: true);
    if (header) writer.WriteLine("index,entropic,seconds");
    var sw = Stopwatch.StartNew();
    int count = 0;
    for (int index = from; index < to; index++)
    {
        if (done.Contains(index)) continue;
        // One seed for every architecture: the same noise batch, as a search scoring with one seed would use.
        var result = proxy.Score(space.FromIndex(index), new ProxyContext { Dataset = dataset, Seed = seed });
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{index},{result.Value:R},{result.Elapsed.TotalSeconds:F4}"));
        writer.Flush();
        if (++count % 50 == 0) Console.Error.WriteLine($"{count} archs, {sw.Elapsed.TotalSeconds / count:F3} s/arch");
    }
}

// What `nasps score --space nb201 --all --proxy entropic,logsynflow --seed S --dataset D` computes, single-threaded, over an
// index range.
void Whole(int from, int to, ulong seed, string outPath, string[] names, Dataset dataset)
{
    var proxies = names.Select(ZeroCostProxies.Get).ToArray();
    foreach (var p in proxies) Console.Error.WriteLine($"{p.Name} {p.Version} on {dataset.ShortName()}");
    bool header = !File.Exists(outPath);
    var done = header ? new HashSet<int>() : File.ReadLines(outPath).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToHashSet();
    using var writer = new StreamWriter(outPath, append: true);
    if (header) writer.WriteLine("index," + string.Join(",", names.SelectMany(n => new[] { n, n + "_seconds" })));
    var sw = Stopwatch.StartNew();
    int count = 0;
    for (int index = from; index < to; index++)
    {
        if (done.Contains(index)) continue;
        var genome = space.FromIndex(index);
        var context = new ProxyContext { Dataset = dataset, Seed = seed };
        var results = proxies.Select(p => p.Score(genome, context)).ToArray();
        writer.WriteLine(index + "," + string.Join(",", results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value:R},{r.Elapsed.TotalSeconds:F4}"))));
        writer.Flush();
        if (++count % 100 == 0) Console.Error.WriteLine($"{count} archs, {sw.Elapsed.TotalSeconds / count:F3} s/arch");
    }
}

void LogSynflow(int from, int to, string outPath)
{
    var proxy = new SynflowProxy(SynflowVariant.LogSynflow);
    using var writer = new StreamWriter(outPath);
    writer.WriteLine("index,logsynflow,logsynflow_eps");
    for (int index = from; index < to; index++)
    {
        var terms = proxy.ScoreTerms(space.FromIndex(index), new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1 });
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{index},{terms.LogSynflow:R},{terms.LogSynflowEpsilon:R}"));
        writer.Flush();
    }
}

void Size(int n, ulong sampleSeed, string outPath)
{
    var sizes = NasPS.Spaces.NatsSize.NatsSizeSpace.Instance;
    var entropic = new EntropicScore();
    var logSynflow = new SynflowProxy(SynflowVariant.LogSynflow);
    var rng = new Rng(sampleSeed);
    using var writer = new StreamWriter(outPath);
    writer.WriteLine("index,channels,entropic,logsynflow,params,flops");
    for (int k = 0; k < n; k++)
    {
        var genome = sizes.Sample(rng);
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1 };
        double e = entropic.Score(genome, context).Value, l = logSynflow.Score(genome, context).Value;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sizes.IndexOf(genome)},{genome.Canonical},{e:R},{l:R},{sizes.CountParameters(genome, Dataset.Cifar10)},{sizes.CountFlops(genome, Dataset.Cifar10)}"));
        writer.Flush();
    }
}

void Report(string path)
{
    var lines = File.ReadAllLines(path);
    var names = lines[0].Split(',');
    var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
    var index = rows.Select(r => int.Parse(r[0])).ToArray();
    Console.WriteLine($"{path}: {rows.Length} architectures");
    foreach (var ds in new[] { Dataset.Cifar10, Dataset.Cifar100, Dataset.ImageNet16_120 })
    {
        if (ds != Dataset.Cifar10 && Environment.GetEnvironmentVariable("NASPS_HELDOUT") != "1") continue;
        var acc = index.Select(i => table.TestAccuracy(i, ds)).ToArray();
        for (int c = 1; c < names.Length; c++)
        {
            if (names[c] == "seconds") continue;
            var x = rows.Select(r => double.Parse(r[c], CultureInfo.InvariantCulture)).ToArray();
            var agreement = RankCorrelation.Compare(x, acc);
            Console.WriteLine($"{ds.ShortName(),-10} {names[c],-22} spearman {agreement.Spearman:F4}  kendall {agreement.KendallTauB:F4}");
        }
    }
}
