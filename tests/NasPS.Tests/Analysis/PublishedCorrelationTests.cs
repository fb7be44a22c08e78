using NasPS.Analysis;
using NasPS.IO;
using Xunit;

namespace NasPS.Tests.Analysis;

/// <summary>
/// Every row of nb201_correlations_computed.csv (65 rank correlations of published scores with NB201 test
/// accuracy, written to 4 decimals) recomputed from the shared score files.
/// </summary>
public class PublishedCorrelationTests
{
    public static TheoryData<int> Rows()
    {
        var data = new TheoryData<int>();
        int count = CsvTable.Load(SharedData.Path("nb201/nb201_correlations_computed.csv")).Rows.Count;
        for (int r = 0; r < count; r++) data.Add(r);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void MatchesTheComputedTable(int row)
    {
        var table = CsvTable.Load(SharedData.Path("nb201/nb201_correlations_computed.csv"));
        string dataset = table.Text(row, table.Column("dataset"));
        string proxy = table.Text(row, table.Column("proxy"));
        string source = table.Text(row, table.Column("source_of_scores"));
        Assert.Equal("test_acc", table.Text(row, table.Column("target")));

        var (score, truth) = Vectors(dataset, proxy, source);
        var agreement = RankCorrelation.Compare(score, truth);

        Assert.Equal(table.Long(row, table.Column("n_archs")), agreement.Pairs);
        // The table is rounded to 4 decimals.
        Assert.Equal(table.Double(row, table.Column("spearman"))!.Value, agreement.Spearman, 0.5e-4 + 1e-9);
        Assert.Equal(table.Double(row, table.Column("kendall_tau_b"))!.Value, agreement.KendallTauB, 0.5e-4 + 1e-9);
    }

    [Fact]
    public void ParamsAndLogSynflowReachTheSpecValues()
    {
        var acc = Nb201Tables.Column(Nb201Tables.Benchmark, "cifar10_test_acc");
        var parameters = Nb201Tables.Column(Nb201Tables.Benchmark, "cifar10_params_mb");
        var logSynflow = Nb201Tables.Column(Nb201Tables.CachedProxies, "cifar10_freerea_logsynflow");

        Assert.Equal(0.7527, RankCorrelation.Spearman(parameters, acc), 0.5e-4);
        var agreement = RankCorrelation.Compare(logSynflow, acc);
        Assert.Equal(0.826, agreement.Spearman, 0.5e-3);
        Assert.Equal(0.630, agreement.KendallTauB, 0.5e-3);
    }

    /// <summary>The score and accuracy vectors a row of the table was computed from.</summary>
    private static (double[] Score, double[] Truth) Vectors(string dataset, string proxy, string source)
    {
        string prefix = Nb201Tables.Prefix(dataset);
        if (source.StartsWith("NASLib zc_nasbench201 subset", StringComparison.Ordinal))
        {
            var subset = Nb201Tables.NaslibSubset;
            string column = proxy switch { "flops" => "naslib_flops", "params" => "naslib_params", _ => proxy };
            var rows = Enumerable.Range(0, subset.Rows.Count).Where(r => subset.Text(r, subset.Column("dataset")) == dataset).ToArray();
            double[] Take(string name) => rows.Select(r => subset.Double(r, subset.Column(name)) ?? double.NaN).ToArray();
            return (Take(column), Take("test_acc"));
        }

        var truth = Nb201Tables.Column(Nb201Tables.Benchmark, $"{prefix}_test_acc");
        var (table, name) = (proxy, source) switch
        {
            ("params", _) => (Nb201Tables.Benchmark, $"{prefix}_params_mb"),
            ("flops", _) => (Nb201Tables.Benchmark, $"{prefix}_flops_m"),
            ("zen", _) => (Nb201Tables.CachedProxies, $"{prefix}_naslib_zen"),
            (_, _) when proxy.StartsWith("naslib_val_accuracy", StringComparison.Ordinal) => (Nb201Tables.Benchmark, $"{prefix}_naslib_val_accuracy"),
            (_, "FreeREA cached_metrics") => (Nb201Tables.CachedProxies, $"{prefix}_freerea_{proxy}"),
            (_, "fracapuano cachedmetrics") => (Nb201Tables.CachedProxies, $"{prefix}_fracapuano_{proxy}"),
            _ => throw new InvalidDataException($"nb201_correlations_computed.csv: no known score column for proxy '{proxy}' from '{source}'."),
        };
        return (Nb201Tables.Column(table, name), truth);
    }
}
