using NasPS.IO;

namespace NasPS.Tests.Analysis;

/// <summary>The shared NB201 tables, each read once per test run (they are several megabytes).</summary>
public static class Nb201Tables
{
    private static readonly Lazy<CsvTable> BenchmarkTable = new(() => LoadIndexOrdered("nb201/nb201.csv"));
    private static readonly Lazy<CsvTable> CachedProxyTable = new(() => LoadIndexOrdered("nb201/nb201_cached_proxies.csv"));
    private static readonly Lazy<CsvTable> NaslibSubsetTable = new(() => CsvTable.Load(SharedData.Path("nb201/nb201_naslib_zc_subset.csv")));

    /// <summary>nb201.csv: accuracies, params, FLOPs; row k is index k.</summary>
    public static CsvTable Benchmark => BenchmarkTable.Value;

    /// <summary>nb201_cached_proxies.csv: published proxy scores; row k is index k.</summary>
    public static CsvTable CachedProxies => CachedProxyTable.Value;

    /// <summary>nb201_naslib_zc_subset.csv: long format, one row per (dataset, architecture).</summary>
    public static CsvTable NaslibSubset => NaslibSubsetTable.Value;

    /// <summary>A numeric column of an index-ordered table; empty cells become NaN.</summary>
    public static double[] Column(CsvTable table, string name)
    {
        int c = table.Column(name);
        var values = new double[table.Rows.Count];
        for (int r = 0; r < values.Length; r++) values[r] = table.Double(r, c) ?? double.NaN;
        return values;
    }

    /// <summary>The benchmark's column prefix for a dataset name as the correlation tables write it.</summary>
    public static string Prefix(string dataset) => dataset switch
    {
        "cifar10" => "cifar10",
        "cifar100" => "cifar100",
        "ImageNet16-120" => "imagenet16",
        _ => throw new ArgumentException($"Unknown dataset '{dataset}' in a reference table.", nameof(dataset)),
    };

    private static CsvTable LoadIndexOrdered(string relative)
    {
        var table = CsvTable.Load(SharedData.Path(relative));
        int index = table.Column("index");
        if (table.Rows.Count != 15625) throw new InvalidDataException($"{relative}: {table.Rows.Count} rows, expected 15625.");
        for (int r = 0; r < table.Rows.Count; r++)
            if (table.Long(r, index) != r) throw new InvalidDataException($"{relative}, line {table.LineNumbers[r]}: index {table.Text(r, index)}, expected {r}.");
        return table;
    }
}
