using NasPS.Benchmarks;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Benchmarks;

public class CachedProxyTableTests
{
    [Fact]
    public void FreeReaRuleReplacesMinusInfinityByTheColumnMinimum()
    {
        var table = Nb201Tables.Cached;
        var raw = table.Scores(Dataset.Cifar10, "freerea_naswot", NonFiniteValues.Keep);
        var cleaned = table.Scores(Dataset.Cifar10, "freerea_naswot", NonFiniteValues.ReplaceWithColumnMinimum);
        Assert.Equal(201, raw.Count(double.IsNegativeInfinity));
        Assert.True(double.IsNegativeInfinity(raw[1651]));
        double minFinite = raw.Where(double.IsFinite).Min();
        Assert.Equal(548.32, minFinite, 2); // spec §3.1: 548.32 after FreeREA's rule
        Assert.Equal(minFinite, cleaned[1651]);
        Assert.All(cleaned, v => Assert.True(double.IsFinite(v)));
        for (int i = 0; i < raw.Count; i++)
            if (double.IsFinite(raw[i])) Assert.Equal(raw[i], cleaned[i]);
        Assert.Equal(830.27, table.Scores(Dataset.Cifar10, "freerea_naswot", NonFiniteValues.Keep)[1462], 2);
    }

    [Fact]
    public void ReadsRecordedMetricTimes()
    {
        var table = Nb201Tables.Cached;
        Assert.Equal(0.7581684589385986, table.TimesSeconds(Dataset.Cifar10, "naswot")[0]);
        Assert.Equal(0.5843777656555176, table.TimesSeconds(Dataset.ImageNet16_120, "logsynflow")[0]);
        Assert.Equal(table.Count, table.TimesSeconds(Dataset.Cifar100, "naswot").Count);
    }

    [Fact]
    public void AColumnWithoutAnyFiniteValueCannotBeCleaned()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Nb201Tables.Cached.Scores(Dataset.ImageNet16_120, "freerea_nregions", NonFiniteValues.ReplaceWithColumnMinimum));
        Assert.Contains("imagenet16_freerea_nregions", ex.Message);
    }

    [Fact]
    public void BadTimesNameFileLineAndColumn()
    {
        string proxies = BenchmarkTableTests.TempCsv("index,arch,cifar10_m\n0,a,1\n1,b,2\n");
        string times = BenchmarkTableTests.TempCsv("index,cifar10_m_time_s\n0,0.5\n1,-1\n");
        var table = CachedProxyTable.Load(proxies, times);
        var ex = Assert.Throws<InvalidDataException>(() => table.TimesSeconds(Dataset.Cifar10, "m"));
        Assert.Contains(times, ex.Message);
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("'cifar10_m_time_s'", ex.Message);
    }

    [Fact]
    public void FilesCoveringDifferentIndicesAreRejected()
    {
        string proxies = BenchmarkTableTests.TempCsv("index,arch,cifar10_m\n0,a,1\n1,b,2\n");
        string times = BenchmarkTableTests.TempCsv("index,cifar10_m_time_s\n0,0.5\n");
        var ex = Assert.Throws<InvalidDataException>(() => CachedProxyTable.Load(proxies, times));
        Assert.Contains(proxies, ex.Message);
        Assert.Contains(times, ex.Message);
    }
}
