using NasPS.Compute.Kernels;

namespace NasPS.ProxyBench;

/// <summary>
/// Proxy experiments and timings. Usage (Release build):
///   NasPS.ProxyBench cost [index]                       one architecture, every registered proxy, value and time
///   NasPS.ProxyBench score --out FILE [--count 1000] [--naswot-count 300] [--swap-count 0] [--datasets cifar10,cifar100,imagenet16] [--sample-seed 2026]
///   NasPS.ProxyBench analyse --in FILE                  Spearman against test accuracy, next to FreeREA's cached values
///   NasPS.ProxyBench timing [--reps 7] [--proxies a,b] NasPS vs PyTorch per-architecture time (alternating; medians)
/// The shared data folder is NASPS_SHARED_DATA or /work/shared/data.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: NasPS.ProxyBench cost [index] | score --out FILE [...] | analyse --in FILE | timing [--reps N] [--proxies logsynflow,naswot,swap]");
            return 2;
        }
        var options = Options.Parse(args.AsSpan(1));
        Parallelism.Degree = options.Int("threads", 2);
        return args[0] switch
        {
            "cost" => Experiments.Cost(options),
            "score" => Experiments.Score(options),
            "analyse" => Experiments.Analyse(options),
            "timing" => Timing.Run(options),
            _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
        };
    }
}

/// <summary>--name value pairs; a bare first argument is "arg".</summary>
public sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) values[args[i][2..]] = args[++i];
            else values["arg"] = args[i];
        }
        return new Options(values);
    }

    public string? Text(string name) => values.GetValueOrDefault(name);
    public string Text(string name, string fallback) => values.GetValueOrDefault(name) ?? fallback;
    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
