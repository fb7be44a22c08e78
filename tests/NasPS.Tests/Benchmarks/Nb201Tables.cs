using NasPS.Benchmarks;

namespace NasPS.Tests.Benchmarks;

/// <summary>The shared NB201 tables, read once per test run (parsing them takes a noticeable fraction of a second).</summary>
public static class Nb201Tables
{
    private static readonly Lazy<BenchmarkTable> BenchmarkLazy = new(() => BenchmarkTable.Load(SharedData.Path("nb201/nb201.csv")));
    private static readonly Lazy<CachedProxyTable> CachedLazy = new(() => CachedProxyTable.Load(
        SharedData.Path("nb201/nb201_cached_proxies.csv"), SharedData.Path("nb201/nb201_freerea_metric_times.csv")));

    public static BenchmarkTable Benchmark => BenchmarkLazy.Value;
    public static CachedProxyTable Cached => CachedLazy.Value;
}
