// Cost of the entropic score per architecture against one plain forward pass at the same batch and input
// (docs/entropic-score.md, "Cost"). Single thread (the machine is shared). For each architecture (the all-nor_conv_3x3
// cell plus a seeded sample of the space), the network is built and initialised once; then, round after round, one plain
// train-mode forward (no grad) and one EntropicScore.Measure (hooks + forward + entropies: what the proxy runs per
// initialisation) are timed, their order alternating each round. Per architecture: the median of each, and their ratio.
// Then the same for the whole proxy call against build + initialise + forward.
// The recorder's phases (attach, hooked forward, entropies, detach) are timed separately to show where overhead is.
// Times are the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID; the kernels run inline at one thread), so time spent
// descheduled on the shared machine is not counted; "wall" as a 6th argument uses the wall clock instead.
// Usage: dotnet run -c Release --project bench/EntropicBench -- [archs=12] [rounds=15] [side=8] [batch=16] [threads=1]
using System.Diagnostics;
using System.Globalization;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Proxies.Entropic;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int archs = Arg(0, 12), rounds = Arg(1, 15), side = Arg(2, 8), batch = Arg(3, 16);
Parallelism.Degree = Arg(4, 1);
Clock.Wall = args.Length > 5 && args[5] == "wall";
var options = new EntropicOptions { Batch = batch, Resolution = side };
var input = Batches.Gaussian(batch, 3, side, side, 7);
var space = NasBench201Space.Instance;
var sample = new Rng(3);
var indices = new List<int> { space.IndexOf(space.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"))!.Value };
while (indices.Count < archs) indices.Add(sample.NextInt(15625));

Console.WriteLine($"entropic {new EntropicScore(options).Version}: batch {batch}, {side}×{side} noise, {rounds} alternating rounds, threads {Parallelism.Degree}, {(Clock.Wall ? "wall" : "thread CPU")} time");
Console.WriteLine("index  forward_ms  measure_ms  ratio | attach_ms hooked_fwd_ms entropies_ms detach_ms");
var ratios = new List<double>();
double totalForward = 0, totalMeasure = 0;
foreach (int index in indices)
{
    var network = ProxyNetworks.Build<float>(space.FromIndex(index), 10);
    ProxyNetworks.Initialize(network, EntropicScore.Initialisation, new Rng(1));
    network.Train();
    var forward = new List<double>();
    var measure = new List<double>();
    var phases = new List<double[]>();
    for (int r = -2; r < rounds; r++) // two warm-up rounds
    {
        double f = 0, m = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            bool measurePass = (pass == 1) ^ (r % 2 != 0);
            long t0 = Clock.Now();
            if (measurePass) EntropicScore.Measure(network, input, options.Epsilon, moments: false);
            else PlainForward(network);
            double ms = Clock.Ms(t0, Clock.Now());
            if (measurePass) m = ms; else f = ms;
        }
        if (r < 0) continue;
        forward.Add(f);
        measure.Add(m);
        phases.Add(Phases(network));
    }
    double fm = Median(forward), mm = Median(measure);
    ratios.Add(mm / fm);
    totalForward += fm;
    totalMeasure += mm;
    Console.WriteLine($"{index,5}  {fm,10:F3}  {mm,10:F3}  {mm / fm,5:F3} | {Median(phases.Select(p => p[0])),9:F3} {Median(phases.Select(p => p[1])),13:F3} {Median(phases.Select(p => p[2])),12:F3} {Median(phases.Select(p => p[3])),9:F3}");
}
Console.WriteLine($"ratio of summed medians {totalMeasure / totalForward:F3}; median ratio {Median(ratios):F3}; max {ratios.Max():F3}");

// The whole proxy call (build, initialise, noise, measure, protocol record) against build + initialise + one plain forward.
Console.WriteLine("index  build_init_forward_ms  score_ms  ratio");
var proxy = new EntropicScore(options);
var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1 };
ratios.Clear();
totalForward = totalMeasure = 0;
foreach (int index in indices)
{
    var genome = space.FromIndex(index);
    var plain = new List<double>();
    var score = new List<double>();
    for (int r = -2; r < rounds; r++)
    {
        double f = 0, m = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            bool scorePass = (pass == 1) ^ (r % 2 != 0);
            long t0 = Clock.Now();
            if (scorePass) proxy.Score(genome, context);
            else
            {
                var network = ProxyNetworks.Build<float>(genome, 10);
                ProxyNetworks.Initialize(network, EntropicScore.Initialisation, new Rng(1));
                PlainForward(network);
            }
            double ms = Clock.Ms(t0, Clock.Now());
            if (scorePass) m = ms; else f = ms;
        }
        if (r < 0) continue;
        plain.Add(f);
        score.Add(m);
    }
    double fm = Median(plain), mm = Median(score);
    ratios.Add(mm / fm);
    totalForward += fm;
    totalMeasure += mm;
    Console.WriteLine($"{index,5}  {fm,21:F3}  {mm,8:F3}  {mm / fm,5:F3}");
}
Console.WriteLine($"ratio of summed medians {totalMeasure / totalForward:F3}; median ratio {Median(ratios):F3}; max {ratios.Max():F3}");

void PlainForward(NasPS.Networks.Module<float> network)
{
    using (Tensors.NewScope())
    using (Tensors.NoGrad())
        network.Forward(Tensors.FromArray<float>(input.Pixels, input.Shape));
}

double[] Phases(NasPS.Networks.Module<float> network)
{
    long t0 = Clock.Now();
    var recorder = new ActivationEntropyRecorder<float>(network, moments: false);
    long t1 = Clock.Now();
    PlainForward(network);
    long t2 = Clock.Now();
    recorder.Layers(options.Epsilon);
    long t3 = Clock.Now();
    recorder.Dispose();
    long t4 = Clock.Now();
    return [Ms(t0, t1), Ms(t1, t2), Ms(t2, t3), Ms(t3, t4)];
}

static double Ms(long from, long to) => Clock.Ms(from, to);
static double Median(IEnumerable<double> values)
{
    var v = values.OrderBy(x => x).ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
}
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

static class Clock
{
    public static bool Wall;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    /// <summary>Nanoseconds of the calling thread's CPU time, or Stopwatch ticks for the wall clock.</summary>
    public static long Now()
    {
        if (Wall || !OperatingSystem.IsLinux()) return Stopwatch.GetTimestamp();
        ClockGetTime(ThreadCpuTime, out var t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    public static double Ms(long from, long to) =>
        Wall || !OperatingSystem.IsLinux() ? (to - from) * 1000.0 / Stopwatch.Frequency : (to - from) / 1e6;
}
