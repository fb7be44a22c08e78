using System.Diagnostics;
using System.Globalization;
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

namespace NasPS.ProxyBench;

/// <summary>
/// Per-architecture proxy time, NasPS against PyTorch at its best (bench/proxies/proxy_timing_worker.py, 2 threads,
/// OpenBLAS-OpenMP), same protocol, same typical architecture, alternating the two --reps times; prints medians and
/// the ratio NasPS / PyTorch. Both sides include building the network.
/// </summary>
public static class Timing
{
    /// <summary>A typical NB201 cell: 2 conv3x3 + 2 conv1x1 edges, ~98 M MACs at 32×32 (the median of the space is ~100 M).</summary>
    public const string TypicalArch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

    public static int Run(Options o)
    {
        int reps = o.Int("reps", 5);
        string arch = o.Text("arch", TypicalArch);
        var genome = NasBench201Space.Instance.Parse(arch);
        string root = o.Text("repo", Directory.GetCurrentDirectory());
        var images = Normalization.Cifar10.Apply(CifarReader.Read(Path.Combine(Experiments.DataRoot, "cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10, 0, 64));
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Input = images, Seed = 3 };
        var proxies = new (string Name, IZeroCostProxy Proxy)[]
        {
            ("logsynflow", new SynflowProxy(SynflowVariant.LogSynflow)),
            ("naswot", NaswotProxy.FreeRea()),
            ("swap", new SwapProxy(regularised: false)),
        };
        var only = o.Text("proxies", "logsynflow,naswot,swap").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        proxies = [.. proxies.Where(p => only.Contains(p.Name))];
        var start = new ProcessStartInfo("/usr/bin/python3", Path.Combine(root, "bench/proxies/proxy_timing_worker.py"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        start.Environment["LD_LIBRARY_PATH"] = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
        start.Environment["OPENBLAS_CORETYPE"] = "SkylakeX";
        start.Environment["OMP_NUM_THREADS"] = "2";
        using var python = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PyTorch worker.");
        Console.WriteLine($"# {arch}; {reps} alternating repetitions per proxy after one warm-up each; NasPS threads {NasPS.Compute.Kernels.Parallelism.Degree}, torch threads 2");
        Console.WriteLine("| proxy | NasPS median s | PyTorch median s | NasPS / PyTorch | NasPS value | PyTorch value |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, proxy) in proxies)
        {
            (double Seconds, double Value) Torch()
            {
                python.StandardInput.WriteLine($"{name} {arch}");
                python.StandardInput.Flush();
                var parts = (python.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The PyTorch worker stopped.")).Split(' ');
                return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            (double Seconds, double Value) Ours()
            {
                var r = proxy.Score(genome, context);
                return (r.Elapsed.TotalSeconds, r.Value);
            }
            Ours();
            Torch();
            var ours = new List<(double Seconds, double Value)>();
            var torch = new List<(double Seconds, double Value)>();
            for (int i = 0; i < reps; i++)
            {
                ours.Add(Ours());
                torch.Add(Torch());
            }
            double a = Experiments.Median(ours.Select(t => t.Seconds)), b = Experiments.Median(torch.Select(t => t.Seconds));
            Console.WriteLine($"| {name} | {a:F3} | {b:F3} | {a / b:F2} | {ours[0].Value:G6} | {torch[0].Value:G6} |");
        }
        python.StandardInput.Close();
        python.WaitForExit();
        return 0;
    }
}
