using NasPS.Randomness;

namespace NasPS.Spaces;

/// <summary>
/// The ways users ask a space for architectures, shared by Get-Architecture and `nasps archs`:
/// a seeded random sample, the whole space (optionally one shard of it), official indices, or strings.
/// </summary>
public static class ArchitectureQuery
{
    /// <summary>
    /// <paramref name="count"/> distinct architectures drawn uniformly without replacement, in draw order.
    /// Distinct because "500 random architectures" means 500 different ones; the space's own Sample stays
    /// with replacement for searches.
    /// </summary>
    public static IEnumerable<Genome> Random(ISearchSpace space, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of architectures cannot be negative.");
        if (space.Count is long total && count > total)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{space.Name} has only {total} architectures; cannot draw {count} distinct ones.");
        return Draw(space, count, new Rng(seed));
    }

    private static IEnumerable<Genome> Draw(ISearchSpace space, int count, Rng rng)
    {
        var seen = new HashSet<Genome>();
        while (seen.Count < count)
        {
            var genome = space.Sample(rng);
            if (seen.Add(genome)) yield return genome;
        }
    }

    /// <summary>The whole space in its enumeration order, or shard <paramref name="shard"/> of <paramref name="shardCount"/>
    /// (item k goes to shard k mod n), lazily.</summary>
    public static IEnumerable<Genome> All(ISearchSpace space, int shard = 0, int shardCount = 1)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Count is null) throw new NotSupportedException($"{space.Name} is not finite and cannot be enumerated; use a random sample.");
        return Sharding.Select(space.Enumerate(), shard, shardCount);
    }

    /// <summary>Parses "i/n" into shard i of n; shards count from 0, as -Shard does, so "0/4" is the first of four.</summary>
    public static (int Shard, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n >= 1 && i >= 0 && i < n)
            return (i, n);
        throw new FormatException($"Shard '{text}' must be i/n with 0 ≤ i < n, e.g. 0/4 for the first of four shards.");
    }
}
