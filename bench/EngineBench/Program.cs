// Measures the engine on the benchmark NAS-Bench-201 network (all nor_conv_3x3, C = 16, N = 5, CIFAR-10 head):
//   peak working memory (pooled bytes in use) of one train-mode forward+backward at a given batch, float32;
//   whether the pool's retained bytes stay flat over repeated passes;
//   forward time (no grad) per batch, to compare with bench/engine_bench.py (PyTorch, same threads).
// Usage: dotnet run -c Release --project bench/EngineBench -- [batch=64] [threads=2] [repeats=5] [forward-only: "forward"]
using System.Diagnostics;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Networks;
using NasPS.Networks.NasBench201;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

int batch = args.Length > 0 ? int.Parse(args[0]) : 64;
int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
int repeats = args.Length > 2 ? int.Parse(args[2]) : 5;
bool forwardOnly = args.Length > 3 && args[3] == "forward";
Parallelism.Degree = threads;

var genome = new Nb201Genome([Nb201Op.Conv3x3, Nb201Op.Conv3x3, Nb201Op.Conv3x3, Nb201Op.Conv3x3, Nb201Op.Conv3x3, Nb201Op.Conv3x3]);
var net = TinyNetwork<float>.ForDataset(genome, Dataset.Cifar10, new Rng(1));
var input = Tensors.Empty<float>(batch, 3, 32, 32);
Init.Normal(input, 0, 1, new Rng(2));
Console.WriteLine($"network {genome.Canonical}, {net.ParameterCount():N0} parameters, batch {batch}, threads {threads}");

// Train-mode forward + backward, repeated: peak working memory and retained bytes after each pass.
for (int r = 0; r < (forwardOnly ? 0 : repeats); r++)
{
    BufferPool.ResetPeak();
    long before = BufferPool.RentedBytes;
    var sw = Stopwatch.StartNew();
    using (var scope = Tensors.NewScope())
    {
        var logits = net.Train().Forward(input);
        Ops.Sum(logits).Backward();
    }
    sw.Stop();
    Console.WriteLine($"train pass {r}: {sw.Elapsed.TotalSeconds:F2} s, peak working {(BufferPool.PeakRentedBytes - before) / 1048576.0:F1} MiB, "
        + $"retained {BufferPool.RetainedBytes / 1048576.0:F1} MiB, rented after {(BufferPool.RentedBytes - before) / 1048576.0:F1} MiB, "
        + $"process {Environment.WorkingSet / 1048576.0:F0} MiB, GC heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB");
}

// Forward only (no grad, train mode as the proxies run it).
// Wall time and process CPU time (all threads): the machine may be shared, CPU time is the steadier measure of work.
var times = new List<(double Wall, double Cpu)>();
long forwardPeak = 0;
for (int r = 0; r < repeats + 1; r++)
{
    BufferPool.ResetPeak();
    long rentedBefore = BufferPool.RentedBytes;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    using (var scope = Tensors.NewScope())
    using (Tensors.NoGrad())
        net.Forward(input);
    sw.Stop();
    forwardPeak = BufferPool.PeakRentedBytes - rentedBefore;
    if (r > 0) times.Add((sw.Elapsed.TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds));
}
var wall = times.Select(t => t.Wall).Order().ToList();
var cpus = times.Select(t => t.Cpu).Order().ToList();
Console.WriteLine($"nasps forward (no grad): wall median {wall[wall.Count / 2]:F1} ms (min {wall[0]:F1}), cpu median {cpus[cpus.Count / 2]:F1} ms (min {cpus[0]:F1}) over {times.Count} runs, peak working {forwardPeak / 1048576.0:F1} MiB");
