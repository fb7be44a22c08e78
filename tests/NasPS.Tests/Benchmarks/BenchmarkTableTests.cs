using NasPS.Benchmarks;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Benchmarks;

public class BenchmarkTableTests
{
    private const string Arch6111 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

    [Fact]
    public void ReadsAccuraciesByIndexAndByArchitecture()
    {
        var table = Nb201Tables.Benchmark;
        Assert.Equal(15625, table.Count);
        Assert.Equal("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", table.Architecture(0));
        Assert.Equal(6111, table.IndexOf(Arch6111));
        Assert.Equal(94.3733, table.TestAccuracy(Arch6111, Dataset.Cifar10), 4);
        Assert.Equal(73.5133, table.TestAccuracy(9930, Dataset.Cifar100), 4);
        Assert.Equal(47.3111, table.TestAccuracy(857, Dataset.ImageNet16_120), 4);
        Assert.Equal(0.129306, table.Value(0, "cifar10_params_mb"));
        Assert.Equal(15.64737, table.Column("cifar10_flops_m")[0]);
    }

    [Fact]
    public void UnknownArchitectureIndexAndColumnAreNamed()
    {
        var table = Nb201Tables.Benchmark;
        var missing = Assert.Throws<KeyNotFoundException>(() => table.IndexOf("|none~0|"));
        Assert.Contains("'|none~0|'", missing.Message);
        Assert.Contains("nb201.csv", missing.Message);
        var column = Assert.Throws<InvalidDataException>(() => table.Value(0, "cifar10_val_acc"));
        Assert.Contains("'cifar10_val_acc'", column.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.TestAccuracy(15625, Dataset.Cifar10));
    }

    [Fact]
    public void RowsOutOfIndexOrderAreRejectedWithFileLineAndColumn()
    {
        string path = TempCsv("index,arch,cifar10_test_acc\n0,a,1\n2,b,2\n");
        var ex = Assert.Throws<InvalidDataException>(() => BenchmarkTable.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("'index'", ex.Message);
    }

    [Fact]
    public void AnUnreadableNumberNamesItsLineAndColumn()
    {
        string path = TempCsv("index,arch,cifar10_test_acc\n0,a,1\n1,b,ninety\n");
        var table = BenchmarkTable.Load(path);
        var ex = Assert.Throws<InvalidDataException>(() => table.TestAccuracy(0, Dataset.Cifar10));
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("'cifar10_test_acc'", ex.Message);
        Assert.Contains("'ninety'", ex.Message);
    }

    [Fact]
    public void DuplicateArchitecturesAreRejected()
    {
        string path = TempCsv("index,arch\n0,a\n1,a\n");
        var ex = Assert.Throws<InvalidDataException>(() => BenchmarkTable.Load(path));
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("'a'", ex.Message);
    }

    internal static string TempCsv(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nasps-bench-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }
}
