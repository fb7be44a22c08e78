using System.Globalization;
using System.Text.Json;
using NasPS.Cli;
using NasPS.IO;
using Xunit;

namespace NasPS.Tests.Cli;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NaspsCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The acceptance check of the foundation: the CLI reproduces the shared table's index, arch, params and FLOPs.</summary>
    [Theory]
    [InlineData("cifar10")]
    [InlineData("cifar100")]
    [InlineData("imagenet16")]
    public void ArchsAllCsvReproducesTheBenchmarkTable(string dataset)
    {
        var (code, text, err) = Run("archs", "--space", "nb201", "--all", "--dataset", dataset, "--format", "csv");
        Assert.True(code == 0, err);
        var ours = CsvTable.Parse(new StringReader(text), "nasps output");
        var truth = CsvTable.Load(SharedData.Path("nb201/nb201.csv"));
        Assert.Equal(truth.Rows.Count, ours.Rows.Count);
        int oi = ours.Column("index"), oa = ours.Column("arch"), op = ours.Column("params"), of = ours.Column("flops");
        int ti = truth.Column("index"), ta = truth.Column("arch"), tp = truth.Column($"{dataset}_params_mb"), tf = truth.Column($"{dataset}_flops_m");
        for (int r = 0; r < truth.Rows.Count; r++)
        {
            Assert.Equal(truth.Text(r, ti), ours.Text(r, oi));
            Assert.Equal(truth.Text(r, ta), ours.Text(r, oa));
            // The table stores millions in shortest round-trip form; the CLI writes exact counts.
            Assert.Equal(truth.Text(r, tp), (ours.Long(r, op) / 1e6).ToString("R", CultureInfo.InvariantCulture));
            Assert.Equal(truth.Text(r, tf), (ours.Long(r, of) / 1e6).ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void JsonCarriesIndexArchParamsAndFlops()
    {
        var (code, text, _) = Run("archs", "--space", "nb201", "--index", "0,1462", "--format", "json");
        Assert.Equal(0, code);
        var rows = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(1462, rows[1].GetProperty("index").GetInt64());
        Assert.Equal(1_531_546, rows[1].GetProperty("params").GetInt64());
        Assert.Equal(15_647_370, rows[0].GetProperty("flops").GetInt64());
        Assert.Equal("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
            rows[0].GetProperty("arch").GetString());
    }

    [Fact]
    public void ARandomSampleWithASeedIsReproducibleAndDistinct()
    {
        var a = Run("archs", "--space", "nb201", "--random", "50", "--seed", "3", "--format", "csv").Out;
        var b = Run("archs", "--space", "nb201", "--random", "50", "--seed", "3", "--format", "csv").Out;
        Assert.Equal(a, b);
        Assert.Equal(51, a.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
    }

    [Fact]
    public void ShardsPartitionTheSpace()
    {
        var all = Lines(Run("archs", "--space", "nb201", "--all", "--format", "csv").Out);
        var parts = Enumerable.Range(0, 4).SelectMany(i => Lines(Run("archs", "--space", "nb201", "--all", "--shard", $"{i}/4", "--format", "csv").Out)).ToList();
        Assert.Equal(all.Count, parts.Count);
        Assert.Equal(all.Order(), parts.Order());
    }

    private static List<string> Lines(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

    [Fact]
    public void ATableListsTheArchitectures()
    {
        var (code, text, _) = Run("archs", "--space", "nb201", "--index", "9930");
        Assert.Equal(0, code);
        Assert.Contains("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", text);
        Assert.Contains("1,288,506", text);
    }

    [Fact]
    public void SpacesListsEveryRegisteredSpace()
    {
        var (code, text, _) = Run("spaces");
        Assert.Equal(0, code);
        Assert.Contains("NasBench201", text);
        Assert.Contains("15,625", text);
        Assert.Contains("NatsSize", text);
    }

    [Theory]
    [InlineData(new[] { "archs", "--space", "nb201" }, "exactly one of")]
    [InlineData(new[] { "archs", "--space", "nb301", "--all" }, "Unknown space 'nb301'")]
    [InlineData(new[] { "archs", "--space", "nb201", "--all", "--dataset", "mnist" }, "Unknown dataset 'mnist'")]
    [InlineData(new[] { "archs", "--space", "nb201", "--all", "--colour", "red" }, "no option --colour")]
    [InlineData(new[] { "archs", "--space", "nb201", "--random", "x" }, "--random must be an integer")]
    [InlineData(new[] { "archs", "--space", "nb201", "--random", "3", "--shard", "0/2" }, "--shard goes with --all")]
    [InlineData(new[] { "archs", "--space", "nb201", "--all", "--format", "xml" }, "Unknown format 'xml'")]
    [InlineData(new[] { "archs", "--space" }, "--space needs a value")]
    public void UsageErrorsExitTwoAndSayWhy(string[] args, string expected)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Theory]
    [InlineData(new[] { "archs", "--space", "nb201", "--arch", "|nor_conv_3x3~0|+|bad~0|none~1|" }, "bad")]
    [InlineData(new[] { "archs", "--space", "nb201", "--index", "15625" }, "15625")]
    [InlineData(new[] { "archs", "--space", "nb201", "--all", "--shard", "4/4" }, "4/4")]
    public void BadInputExitsOneAndNamesIt(string[] args, string expected)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(1, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void AnUnknownCommandExitsTwoWithTheOverview()
    {
        var (code, _, err) = Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'frobnicate'", err);
        Assert.Contains("archs", err);
    }
}
