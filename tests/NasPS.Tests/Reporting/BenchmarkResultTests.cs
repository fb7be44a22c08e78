using NasPS.Benchmarks;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Reporting;

/// <summary>Get-BenchmarkResult's core: one row of a benchmark table as an object.</summary>
public sealed class BenchmarkResultTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nasps-bench-{Guid.NewGuid():N}.csv");
    private readonly string[] _archs = [.. Enumerable.Range(0, 2).Select(i => SearchSpaces.Get("nb201").FromIndex(i).Canonical)];

    public BenchmarkResultTests() =>
        File.WriteAllText(_path, $"index,arch,notes,cifar10_test_acc,cifar100_test_acc\n0,{_archs[0]},small,85.5,\n1,{_archs[1]},\"big, slow\",93.25,70.5\n");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void ARowBecomesAnObjectWithItsNumericColumns()
    {
        var table = BenchmarkTable.Load(_path);
        var r = BenchmarkResult.Of(table, _archs[1], Dataset.Cifar100);
        Assert.Equal(1, r.Index);
        Assert.Equal("cifar100", r.Dataset);
        Assert.Equal(70.5, r.TestAccuracy);
        Assert.Equal(["cifar10_test_acc", "cifar100_test_acc"], r.Values.Keys);   // the text column 'notes' is left out
        Assert.Equal(93.25, r.Values["cifar10_test_acc"]);
        Assert.True(double.IsNaN(BenchmarkResult.At(table, 0, Dataset.Cifar100).TestAccuracy));   // an empty cell
    }

    [Fact]
    public void MissingArchitecturesAndIndicesAreNamed()
    {
        var table = BenchmarkTable.Load(_path);
        string other = SearchSpaces.Get("nb201").FromIndex(2).Canonical;
        var missing = Assert.Throws<KeyNotFoundException>(() => BenchmarkResult.Of(table, other, Dataset.Cifar10));
        Assert.Contains(other, missing.Message);
        Assert.Contains(_path, missing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => BenchmarkResult.At(table, 2, Dataset.Cifar10));
    }

    [Fact]
    public void MatchesTheSharedTable()
    {
        var table = BenchmarkTable.Load(SharedData.Path("nb201/nb201.csv"));
        var r = BenchmarkResult.At(table, 9930, Dataset.ImageNet16_120);
        Assert.Equal(table.Value(9930, "imagenet16_test_acc"), r.TestAccuracy);
        Assert.Equal(table.Columns.Count - 2, r.Values.Count);   // all but index and arch are numeric
    }
}
