using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Cmdlets;

public class ArchitectureQueryTests
{
    private static readonly ISearchSpace Nb201 = SearchSpaces.Get("NasBench201");

    [Fact]
    public void ARandomSampleIsDistinctAndTheSameForTheSameSeed()
    {
        var first = ArchitectureQuery.Random(Nb201, 500, 1).Select(g => g.Canonical).ToList();
        var again = ArchitectureQuery.Random(Nb201, 500, 1).Select(g => g.Canonical).ToList();
        var other = ArchitectureQuery.Random(Nb201, 500, 2).Select(g => g.Canonical).ToList();
        Assert.Equal(500, first.Distinct().Count());
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void TheWholeSpaceCanBeDrawnButNotMore()
    {
        Assert.Equal(15625, ArchitectureQuery.Random(Nb201, 15625, 7).Distinct().Count());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ArchitectureQuery.Random(Nb201, 15626, 7));
        Assert.Contains("15625", e.Message);
    }

    [Fact]
    public void ShardsPartitionTheSpaceInIndexOrder()
    {
        var all = ArchitectureQuery.All(Nb201).ToList();
        var shards = Enumerable.Range(0, 3).Select(i => ArchitectureQuery.All(Nb201, i, 3).ToList()).ToList();
        Assert.Equal(all.Count, shards.Sum(s => s.Count));
        Assert.Equal(all.ToHashSet(), shards.SelectMany(s => s).ToHashSet());
        Assert.Equal(Enumerable.Range(0, all.Count).Where(k => k % 3 == 1).Select(k => all[k]), shards[1]);
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void ShardTextParses(string text, int shard, int count) =>
        Assert.Equal((shard, count), ArchitectureQuery.ParseShard(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void BadShardTextSaysTheRule(string text)
    {
        var e = Assert.Throws<FormatException>(() => ArchitectureQuery.ParseShard(text));
        Assert.Contains(text, e.Message);
        Assert.Contains("0 ≤ i < n", e.Message);
    }

    [Fact]
    public void ParseAnyFindsTheSpaceOrListsEveryComplaint()
    {
        var (space, genome) = SearchSpaces.ParseAny("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        Assert.Equal("NasBench201", space.Name);
        Assert.Equal(9930, space.IndexOf(genome));
        Assert.Equal("NatsSize", SearchSpaces.ParseAny("64:32:16:8:64").Space.Name);
        var e = Assert.Throws<ArchitectureFormatException>(() => SearchSpaces.ParseAny("|conv~0|"));
        Assert.Contains("NasBench201:", e.Message);
        Assert.Contains("NatsSize:", e.Message);
    }

    [Fact]
    public void ARecordCarriesTheSpacesCostsAndIndex()
    {
        var record = ArchitectureRecord.Create(Nb201, Nb201.FromIndex(1462), Dataset.Cifar10);
        Assert.Equal(1462, record.Index);
        Assert.Equal(1_531_546, record.Parameters);
        Assert.Equal(220_119_690, record.Flops);
        Assert.Equal("cifar10", record.Dataset);
        Assert.Matches("^[0-9a-f]{16}$", record.Hash);
    }
}
