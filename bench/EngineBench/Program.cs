// Measures the engine on whole NAS-Bench-201 networks (C = 16, N = 5, CIFAR-10 head), float32:
//   forward <cell> [batch=64] [threads=2] [repeats=5]
//       train-mode forward without grad (as the proxies run it), one RESULT line per timed run, to compare with
//       bench/engine_bench.py (PyTorch, same network, batch and threads); bench/run_engine_compare.sh alternates them.
//       <cell> is conv3x3 (every edge nor_conv_3x3), skippool (skip and avg-pool edges only) or an arch string.
//   memory [batch=64] [networks=1000] [threads=2] [network-batch=8]
//       peak working memory (pooled bytes in use) of train-mode forward+backward of the all-conv3x3 network at
//       <batch> (5 passes), then <networks> consecutive random NB201 networks at <network-batch>, reporting the
//       highest peak and whether retained pool bytes, GC heap and process memory stay flat.
//   ops [threads=2]
//       CPU time of the skip/pool network's element-wise ops on its largest tensor (batch 64, C16, 32×32).
using System.Diagnostics;
using System.Globalization;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Networks;
using NasPS.Networks.NasBench201;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

const string Conv3x3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const string SkipPool = "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|";

int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
const double MiB = 1048576.0;

if (args.Length > 0 && args[0] == "ops")
{
    // The skip/pool network's element-wise work on its largest tensor (batch 64, C16, 32×32), per op, no grad.
    int threads = Arg(1, 2);
    Parallelism.Degree = threads;
    var x = Tensors.Empty<float>(64, 16, 32, 32);
    var other = Tensors.Empty<float>(64, 16, 32, 32);
    Init.Normal(x, 0, 1, new Rng(5));
    Init.Normal(other, 0, 1, new Rng(6));
    void Time(string name, Action op)
    {
        var samples = new List<double>();
        for (int r = 0; r < 12; r++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            using (Tensors.NewScope())
            using (Tensors.NoGrad())
                op();
            if (r > 1) samples.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
        }
        samples.Sort();
        Console.WriteLine(FormattableString.Invariant($"{name}: median {samples[samples.Count / 2]:F2} CPU-ms, threads {threads}"));
    }
    Time("avg_pool2d 3×3/1 pad 1 (count_include_pad false)", () => Ops.AvgPool2d(x, 3, 1, 1, countIncludePad: false));
    Time("add", () => Ops.Add(x, other));
    Time("add_n of 3", () => Ops.AddN([x, other, x]));
    Time("relu", () => Ops.Relu(x));
    return 0;
}

if (args.Length == 0 || args[0] is not ("forward" or "memory"))
{
    Console.Error.WriteLine("usage: EngineBench forward <conv3x3|skippool|arch> [batch] [threads] [repeats] | memory [batch] [networks] [threads] [network-batch]");
    return 2;
}

if (args[0] == "forward")
{
    string cell = args.Length > 1 ? args[1] : "conv3x3";
    string arch = cell switch { "conv3x3" => Conv3x3, "skippool" => SkipPool, _ => cell };
    int batch = Arg(2, 64), threads = Arg(3, 2), repeats = Arg(4, 5);
    Parallelism.Degree = threads;
    var net = TinyNetwork<float>.ForDataset(NasBench201Space.Instance.Parse(arch), Dataset.Cifar10, new Rng(1));
    net.Train();
    var input = Tensors.Empty<float>(batch, 3, 32, 32);
    Init.Normal(input, 0, 1, new Rng(2));
    // Wall time and process CPU time (all threads); the first run warms up (JIT, pool) and is not reported.
    for (int r = 0; r <= repeats; r++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        using (Tensors.NewScope())
        using (Tensors.NoGrad())
            net.Forward(input);
        sw.Stop();
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        if (r > 0)
            Console.WriteLine(FormattableString.Invariant($"RESULT nasps {cell} batch={batch} threads={threads} wall_ms={sw.Elapsed.TotalMilliseconds:F2} cpu_ms={cpuMs:F2}"));
    }
    return 0;
}

{
    int batch = Arg(1, 64), networks = Arg(2, 1000), threads = Arg(3, 2), networkBatch = Arg(4, 8);
    Parallelism.Degree = threads;
    long PassPeak(TinyNetwork<float> net, Tensor<float> input)
    {
        BufferPool.ResetPeak();
        long before = BufferPool.RentedBytes;
        using (Tensors.NewScope())
            Ops.Sum(net.Train().Forward(input)).Backward();
        return BufferPool.PeakRentedBytes - before;
    }
    string Memory() => FormattableString.Invariant(
        $"pool retained {BufferPool.RetainedBytes / MiB:F1} MiB, rented {BufferPool.RentedBytes / MiB:F1} MiB, GC heap {GC.GetTotalMemory(false) / MiB:F0} MiB, process {Environment.WorkingSet / MiB:F0} MiB");

    var big = TinyNetwork<float>.ForDataset(NasBench201Space.Instance.Parse(Conv3x3), Dataset.Cifar10, new Rng(1));
    var bigInput = Tensors.Empty<float>(batch, 3, 32, 32);
    Init.Normal(bigInput, 0, 1, new Rng(2));
    for (int r = 0; r < 5; r++)
    {
        var sw = Stopwatch.StartNew();
        long peak = PassPeak(big, bigInput);
        Console.WriteLine(FormattableString.Invariant($"all-conv3x3 batch {batch} forward+backward {r}: {sw.Elapsed.TotalSeconds:F2} s, peak working {peak / MiB:F1} MiB; {Memory()}"));
    }

    var space = NasBench201Space.Instance;
    var rng = new Rng(3);
    var input = Tensors.Empty<float>(networkBatch, 3, 32, 32);
    Init.Normal(input, 0, 1, new Rng(4));
    long highest = 0;
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < networks; i++)
    {
        var net = TinyNetwork<float>.ForDataset(space.Sample(rng), Dataset.Cifar10, rng);
        highest = Math.Max(highest, PassPeak(net, input));
        if (i == 0 || (i + 1) % Math.Max(1, networks / 10) == 0)
            Console.WriteLine(FormattableString.Invariant($"network {i + 1}/{networks} (batch {networkBatch}): highest peak working {highest / MiB:F1} MiB; {Memory()}; {clock.Elapsed.TotalSeconds:F0} s"));
    }
    return 0;
}
