namespace NasPS.Spaces;

/// <summary>
/// One point of a search space, immutable. Its identity is its canonical string: two genomes of the same
/// space are equal exactly when their canonical strings are equal, and the stable hash is derived from it.
/// </summary>
public abstract class Genome : IEquatable<Genome>
{
    private string? _canonical;
    private string? _hash;

    /// <summary>Name of the space this genome belongs to, as <see cref="ISearchSpace.Name"/>.</summary>
    public abstract string SpaceName { get; }

    /// <summary>The canonical architecture string: what Parse accepts and what users see.</summary>
    public string Canonical => _canonical ??= FormatCanonical();

    /// <summary>A stable 16-hex-digit hash of the space name and canonical string (FNV-1a 64); the same on every
    /// machine and run, unlike string.GetHashCode.</summary>
    public string Hash => _hash ??= StableHash.Of(SpaceName + ":" + Canonical).ToString("x16");

    protected abstract string FormatCanonical();

    public bool Equals(Genome? other) =>
        other is not null && SpaceName == other.SpaceName && Canonical == other.Canonical;

    public override bool Equals(object? obj) => Equals(obj as Genome);
    public override int GetHashCode() => HashCode.Combine(SpaceName, Canonical);
    public override string ToString() => Canonical;
}

public static class StableHash
{
    /// <summary>FNV-1a 64 over the UTF-16 code units of <paramref name="text"/>.</summary>
    public static ulong Of(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }
}
