using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using NasPS.Compute.Kernels;
using NasPS.IO;
using NasPS.Randomness;

namespace NasPS.Bench;

/// <summary>
/// Kernel benchmarks, plain timing: warm-up, then samples of enough back-to-back calls to last ≥ 20 ms each,
/// reporting the median. Usage:
///   dotnet run -c Release --project bench/NasPS.Bench -- peak
///   dotnet run -c Release --project bench/NasPS.Bench -- conv [--double] [--threads N] [--filter TEXT] [--ops fwd,fwd_winograd,fwd_relu_moments,fwd_relu_moments_winograd,bwd_input,bwd_weight] [--path scalar|avx2|avx512]
///   dotnet run -c Release --project bench/NasPS.Bench -- gemm [--double] [--threads N] [--path ...]
/// `conv` prints GFLOP/s per shape and operation, the fraction of the measured FMA peak and, when
/// bench/results/pytorch_conv_fp32.local.csv (or fp64) exists (written by bench/pytorch_conv_bench.py), PyTorch's rate and the ratio.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("peak" or "conv" or "gemm"))
        {
            Console.Error.WriteLine("usage: NasPS.Bench peak | gemm | conv [--double] [--threads N] [--filter TEXT] [--ops fwd,fwd_winograd,fwd_relu_moments,fwd_relu_moments_winograd,bwd_input,bwd_weight] [--path scalar|avx2|avx512]");
            return 2;
        }
        var options = Options.Parse(args.AsSpan(1));
        Parallelism.Degree = options.Threads;
        using var forced = KernelPaths.Force(options.Path);
        Console.WriteLine($"# {Environment.ProcessorCount} logical CPUs, kernel path {KernelPaths.Current} (best {KernelPaths.Best}), {options.Threads} thread(s)");
        if (args[0] == "peak")
        {
            foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
            {
                Console.WriteLine($"FMA peak FP32, {threads} thread(s): {FmaPeak.Measure<float>(threads):F1} GFLOP/s");
                Console.WriteLine($"FMA peak FP64, {threads} thread(s): {FmaPeak.Measure<double>(threads):F1} GFLOP/s");
            }
            return 0;
        }
        if (args[0] == "gemm")
            return options.Double ? GemmBench.Run<double>(options) : GemmBench.Run<float>(options);
        return options.Double ? ConvBench.Run<double>(options) : ConvBench.Run<float>(options);
    }
}

public sealed record Options(bool Double, int Threads, string? Filter, string[] Ops, KernelPath Path)
{
    public static Options Parse(ReadOnlySpan<string> args)
    {
        bool dbl = false;
        int threads = Environment.ProcessorCount;
        string? filter = null;
        string[] ops = ["fwd", "bwd_input", "bwd_weight"];
        var path = KernelPaths.Best;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--double": dbl = true; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--filter": filter = args[++i]; break;
                case "--ops": ops = args[++i].Split(','); break;
                case "--path": path = Enum.Parse<KernelPath>(args[++i], ignoreCase: true); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        return new Options(dbl, threads, filter, ops, path);
    }
}

/// <summary>Peak fused multiply-add throughput: independent accumulator chains, enough to hide FMA latency.</summary>
public static class FmaPeak
{
    public static double Measure<T>(int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const long iterations = 20_000_000;
        double best = 0;
        var process = Process.GetCurrentProcess();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => Loop<T>(iterations))).ToArray();
            foreach (var w in workers) w.Start();
            foreach (var w in workers) w.Join();
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;
            int lanes = Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count;
            // CPU-time rate (see Sample): flops · threads / CPU seconds.
            best = Math.Max(best, 2.0 * 12 * lanes * iterations * threads * threads / cpuSeconds / 1e9);
        }
        return best;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static T Loop<T>(long iterations) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(T.CreateChecked(0.999999));
            var a = Vector512.Create(T.CreateChecked(1e-7));
            Vector512<T> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
            for (long i = 0; i < iterations; i++)
            {
                c0 = Fma(c0, m, a); c1 = Fma(c1, m, a); c2 = Fma(c2, m, a); c3 = Fma(c3, m, a);
                c4 = Fma(c4, m, a); c5 = Fma(c5, m, a); c6 = Fma(c6, m, a); c7 = Fma(c7, m, a);
                c8 = Fma(c8, m, a); c9 = Fma(c9, m, a); c10 = Fma(c10, m, a); c11 = Fma(c11, m, a);
            }
            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }
        else
        {
            var m = Vector256.Create(T.CreateChecked(0.999999));
            var a = Vector256.Create(T.CreateChecked(1e-7));
            Vector256<T> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
            for (long i = 0; i < iterations; i++)
            {
                c0 = Fma(c0, m, a); c1 = Fma(c1, m, a); c2 = Fma(c2, m, a); c3 = Fma(c3, m, a);
                c4 = Fma(c4, m, a); c5 = Fma(c5, m, a); c6 = Fma(c6, m, a); c7 = Fma(c7, m, a);
                c8 = Fma(c8, m, a); c9 = Fma(c9, m, a); c10 = Fma(c10, m, a); c11 = Fma(c11, m, a);
            }
            return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z) =>
        typeof(T) == typeof(float) ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
        : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z) =>
        typeof(T) == typeof(float) ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
        : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
}

/// <summary>C[m×n] = A[m×k]·B[k×n] for the GEMM sizes the convolutions produce (and a few square ones).</summary>
public static class GemmBench
{
    public static int Run<T>(Options options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double peak = FmaPeak.Measure<T>(options.Threads);
        Console.WriteLine($"# measured FMA peak, {options.Threads} thread(s): {peak:F1} GFLOP/s");
        Console.WriteLine("| m | n | k | wall GFLOP/s | CPU-time GFLOP/s | % peak |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var (m, n, k) in new[] { (16, 1024, 144), (32, 256, 288), (64, 64, 576), (128, 1024, 1152), (512, 64, 4608), (256, 256, 256), (1024, 1024, 1024) })
        {
            var rng = new Rng(2);
            T[] a = new T[m * k], b = new T[k * n], c = new T[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = T.CreateChecked(rng.NextGaussian());
            for (int i = 0; i < b.Length; i++) b[i] = T.CreateChecked(rng.NextGaussian());
            var time = Timing.Median(() => Gemm.Multiply(false, false, m, n, k, T.One, a, k, b, n, T.Zero, c, n), 9);
            double flops = 2.0 * m * n * k;
            double cpuRate = flops * options.Threads / time.CpuSeconds / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m} | {n} | {k} | {flops / time.WallSeconds / 1e9:F1} | {cpuRate:F1} | {100 * cpuRate / peak:F0}% |"));
        }
        return 0;
    }
}

public static class ConvBench
{
    public static int Run<T>(Options options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string benchDir = LocateBenchDirectory();
        var shapes = CsvTable.Load(Path.Combine(benchDir, "conv_shapes.csv"));
        double peak = FmaPeak.Measure<T>(options.Threads);
        string precision = typeof(T) == typeof(float) ? "fp32" : "fp64";
        Console.WriteLine($"# measured FMA peak {precision}, {options.Threads} thread(s): {peak:F1} GFLOP/s");
        var torch = LoadPyTorch(Path.Combine(benchDir, "results", $"pytorch_conv_{precision}.local.csv"));
        var lines = new List<string> { "name,op,wall_seconds,cpu_seconds,wall_gflops,gflops" };
        Console.WriteLine("| shape | op | wall ms | wall GFLOP/s | CPU-time GFLOP/s | % peak | PyTorch CPU-time GFLOP/s | NasPS / PyTorch |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        for (int row = 0; row < shapes.Rows.Count; row++)
        {
            string name = shapes.Text(row, shapes.Column("name"));
            if (options.Filter is not null && !name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)) continue;
            int Int(string column) => (int)shapes.Long(row, shapes.Column(column));
            int k = Int("k"), stride = Int("stride"), pad = Int("pad");
            var s = new Conv2dShape(Int("n"), Int("cin"), Int("h"), Int("w"), Int("cout"), k, k, stride, stride, pad, pad);
            int samples = Int("samples");
            var rng = new Rng(1);
            T[] x = Random<T>(rng, s.InputLength), w = Random<T>(rng, s.WeightLength), dy = Random<T>(rng, s.OutputLength);
            T[] y = new T[s.OutputLength], dx = new T[s.InputLength], dw = new T[s.WeightLength];
            double[] moments = new double[2 * s.N * s.Cout];
            foreach (string op in options.Ops)
            {
                Action call = op switch
                {
                    "fwd" => () => Conv2dKernel.Forward<T>(x, w, ReadOnlySpan<T>.Empty, y, s),
                    // The Winograd route where it applies (float32 3×3 stride 1 on AVX-512), direct elsewhere; the GFLOP/s
                    // count the direct convolution's multiply-adds, so they compare with "fwd" as speed.
                    "fwd_winograd" => () => Conv2dKernel.Forward<T>(x, w, ReadOnlySpan<T>.Empty, y, s, algorithm: ConvolutionAlgorithm.Winograd),
                    "fwd_relu_moments" => () => Conv2dKernel.Forward<T>(x, w, ReadOnlySpan<T>.Empty, y, s, true, moments),
                    "fwd_relu_moments_winograd" => () => Conv2dKernel.Forward<T>(x, w, ReadOnlySpan<T>.Empty, y, s, true, moments, ConvolutionAlgorithm.Winograd),
                    "bwd_input" => () => Conv2dKernel.BackwardInput<T>(dy, w, dx, s),
                    "bwd_weight" => () => Conv2dKernel.BackwardWeight<T>(x, dy, dw, Span<T>.Empty, s),
                    _ => throw new ArgumentException($"Unknown op '{op}' (fwd, fwd_winograd, fwd_relu_moments, fwd_relu_moments_winograd, bwd_input, bwd_weight)."),
                };
                var time = Timing.Median(call, samples);
                double wallGflops = 2.0 * s.Macs / time.WallSeconds / 1e9;
                double gflops = 2.0 * s.Macs * options.Threads / time.CpuSeconds / 1e9;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"\"{name}\",{op},{time.WallSeconds:G6},{time.CpuSeconds:G6},{wallGflops:F2},{gflops:F2}"));
                string torchRate = "", ratio = "";
                if (torch.TryGetValue((name, op), out double torchGflops))
                {
                    torchRate = torchGflops.ToString("F1", CultureInfo.InvariantCulture);
                    ratio = (gflops / torchGflops).ToString("F2", CultureInfo.InvariantCulture);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {op} | {time.WallSeconds * 1e3:F3} | {wallGflops:F1} | {gflops:F1} | {100 * gflops / peak:F0}% | {torchRate} | {ratio} |"));
            }
        }
        File.WriteAllLines(Path.Combine(benchDir, "results", $"nasps_conv_{precision}.local.csv"), lines);
        return 0;
    }

    private static T[] Random<T>(Rng rng, long length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (long i = 0; i < length; i++) values[i] = T.CreateChecked(rng.NextGaussian());
        return values;
    }

    private static Dictionary<(string, string), double> LoadPyTorch(string path)
    {
        var rates = new Dictionary<(string, string), double>();
        if (!File.Exists(path)) return rates;
        var table = CsvTable.Load(path);
        for (int row = 0; row < table.Rows.Count; row++)
            rates[(table.Text(row, table.Column("name")), table.Text(row, table.Column("op")))] =
                table.Double(row, table.Column("gflops")) ?? double.NaN;
        return rates;
    }

    private static string LocateBenchDirectory()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench");
            if (File.Exists(Path.Combine(candidate, "conv_shapes.csv"))) return candidate;
        }
        throw new FileNotFoundException("bench/conv_shapes.csv was not found above the current directory.");
    }
}

/// <summary>Both clocks of a timed call. The machine is shared: wall time includes the time the scheduler gave
/// our threads' cores to other processes, CPU time does not, so "CPU-time GFLOP/s" = flops · threads / process CPU
/// seconds (the rate with the cores to ourselves) is the steadier measure; both are reported.</summary>
public readonly record struct Sample(double WallSeconds, double CpuSeconds);

public static class Timing
{
    /// <summary>Median per call of each clock: two warm-up calls, then samples of back-to-back calls lasting ≥ 20 ms.</summary>
    public static Sample Median(Action call, int samples)
    {
        call();
        var watch = Stopwatch.StartNew();
        call();
        double once = Math.Max(watch.Elapsed.TotalSeconds, 1e-6);
        int inner = Math.Max(1, (int)Math.Ceiling(0.02 / once));
        var wall = new double[samples];
        var cpu = new double[samples];
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < samples; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            watch.Restart();
            for (int j = 0; j < inner; j++) call();
            wall[i] = watch.Elapsed.TotalSeconds / inner;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpu0).TotalSeconds / inner;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return new Sample(wall[samples / 2], cpu[samples / 2]);
    }
}
