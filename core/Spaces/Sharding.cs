namespace NasPS.Spaces;

/// <summary>Splits a stream of work between independent workers (processes, machines) without coordination.</summary>
public static class Sharding
{
    /// <summary>
    /// The items of shard <paramref name="shard"/> of <paramref name="shardCount"/>: item k (0-based position) goes to
    /// shard k mod shardCount. Round-robin keeps shards balanced within one item and needs no count of the source;
    /// the shards of one source are disjoint, together hold every item, and each keeps the source order. Lazy.
    /// </summary>
    public static IEnumerable<T> Select<T>(IEnumerable<T> source, int shard, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (shardCount < 1)
            throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, "The shard count must be at least 1.");
        if (shard < 0 || shard >= shardCount)
            throw new ArgumentOutOfRangeException(nameof(shard), shard, $"The shard number must be between 0 and {shardCount - 1} (shards are numbered from 0 for a shard count of {shardCount}).");
        return Iterate(source, shard, shardCount);
    }

    // Separate iterator so the argument checks above run at the call, not at the first MoveNext.
    private static IEnumerable<T> Iterate<T>(IEnumerable<T> source, int shard, int shardCount)
    {
        long position = 0;
        foreach (var item in source)
        {
            if (position % shardCount == shard) yield return item;
            position++;
        }
    }
}
