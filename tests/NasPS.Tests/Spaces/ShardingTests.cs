using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Spaces;

public class ShardingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void ShardsOfEnumerate_PartitionIt_InOrder(int shardCount)
    {
        string[] all = [.. NasBench201Space.Instance.Enumerate().Select(g => g.Canonical)];
        var seen = new HashSet<string>();
        int total = 0;
        for (int shard = 0; shard < shardCount; shard++)
        {
            string[] part = [.. Sharding.Select(NasBench201Space.Instance.Enumerate(), shard, shardCount).Select(g => g.Canonical)];
            for (int i = 0; i < part.Length; i++)
            {
                Assert.Equal(all[shard + i * shardCount], part[i]); // round-robin by position, order kept
                Assert.True(seen.Add(part[i]), $"{part[i]} is in two shards");
            }
            total += part.Length;
        }
        Assert.Equal(all.Length, total);
        Assert.Equal(all.Length, seen.Count);
    }

    [Fact]
    public void Select_IsLazy()
    {
        static IEnumerable<int> Endless() { for (int i = 0; ; i++) yield return i; }
        Assert.Equal([2, 7, 12], Sharding.Select(Endless(), 2, 5).Take(3));
    }

    [Theory]
    [InlineData(0, 0, "shardCount")]
    [InlineData(-1, 3, "shard")]
    [InlineData(3, 3, "between 0 and 2")]
    public void Select_RejectsBadArguments_Immediately(int shard, int shardCount, string fragment)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Sharding.Select([1, 2, 3], shard, shardCount));
        Assert.Contains(fragment, e.Message);
    }
}
