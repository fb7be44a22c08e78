using NasPS.Randomness;

namespace NasPS.Spaces.NasBench201;

/// <summary>
/// NAS-Bench-201 / NATS-Bench topology space (spec §1): 15,625 cells of six edges, each one of five operations,
/// indexed in the benchmark's official order (<see cref="Nb201IndexOrder"/>), costed on TinyNetwork(C = 16, N = 5).
/// </summary>
public sealed class NasBench201Space : ISearchSpace
{
    public const string SpaceName = "NasBench201";

    public static NasBench201Space Instance { get; } = new();

    private NasBench201Space() { }

    public string Name => SpaceName;
    public string Description => "NAS-Bench-201 / NATS-Bench-TSS: 15,625 cells (6 edges × 5 operations), official benchmark index.";
    public long? Count => Nb201IndexOrder.Size;
    public bool HasOfficialIndex => true;

    /// <summary>Parses <c>|op~0|+|op~0|op~1|+|op~0|op~1|op~2|</c> or NASLib's 6-digit code (e.g. "433000").</summary>
    public Nb201Genome Parse(string text) => Nb201Parser.Parse(text);
    Genome ISearchSpace.Parse(string text) => Parse(text);

    /// <summary>Uniform over the 15,625 cells (a uniform official index).</summary>
    public Nb201Genome Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return FromIndex(rng.NextInt(Nb201IndexOrder.Size));
    }
    Genome ISearchSpace.Sample(Rng rng) => Sample(rng);

    /// <summary>All cells, lazily, by official index 0..15624.</summary>
    public IEnumerable<Genome> Enumerate()
    {
        for (int index = 0; index < Nb201IndexOrder.Size; index++) yield return FromIndex(index);
    }

    /// <summary>
    /// FreeREA's mutation (spec §4.1): node 1, 2 or 3 with probabilities 1/6, 2/6, 3/6, one of its incoming edges
    /// uniformly, its operation replaced by one of the other four uniformly. Node j has j incoming edges, so that node
    /// rule is exactly a uniform choice among the six edges, which is how it is drawn here.
    /// </summary>
    public Nb201Genome Mutate(Genome genome, Rng rng)
    {
        var cell = Cast(genome, nameof(genome));
        ArgumentNullException.ThrowIfNull(rng);
        int edge = rng.NextInt(Nb201Genome.EdgeCount);
        int other = rng.NextInt(Nb201OpNames.Names.Count - 1);
        if (other >= (int)cell[edge]) other++; // skip the current operation
        return cell.With(edge, (Nb201Op)other);
    }
    Genome ISearchSpace.Mutate(Genome genome, Rng rng) => Mutate(genome, rng);

    /// <summary>FreeREA's crossover: each edge's operation from either parent with probability ½.</summary>
    public Nb201Genome Crossover(Genome first, Genome second, Rng rng)
    {
        var a = Cast(first, nameof(first));
        var b = Cast(second, nameof(second));
        ArgumentNullException.ThrowIfNull(rng);
        ulong coins = rng.NextUInt64();
        Span<Nb201Op> ops = stackalloc Nb201Op[Nb201Genome.EdgeCount];
        for (int k = 0; k < Nb201Genome.EdgeCount; k++) ops[k] = ((coins >> k) & 1) == 0 ? a[k] : b[k];
        return new Nb201Genome(ops);
    }
    Genome ISearchSpace.Crossover(Genome first, Genome second, Rng rng) => Crossover(first, second, rng);

    public int? IndexOf(Genome genome) => Nb201IndexOrder.IndexOf(Cast(genome, nameof(genome)).GenerationPosition);

    public Nb201Genome FromIndex(long index)
    {
        if (index < 0 || index >= Nb201IndexOrder.Size)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"NAS-Bench-201 indices run 0..{Nb201IndexOrder.Size - 1}.");
        return Nb201Genome.FromGenerationPosition(Nb201IndexOrder.PositionOf((int)index));
    }
    Genome ISearchSpace.FromIndex(long index) => FromIndex(index);

    /// <summary>Trainable parameters of TinyNetwork(C = 16, N = 5) with this cell (spec §1.5).</summary>
    public long CountParameters(Genome genome, Dataset dataset) =>
        TinyNetworkLayout.NasBench201.CountParameters(Cast(genome, nameof(genome)), dataset);

    /// <summary>Multiply-accumulates under the NAS-Bench-201 rule (spec §1.5).</summary>
    public long CountFlops(Genome genome, Dataset dataset) =>
        TinyNetworkLayout.NasBench201.CountFlops(Cast(genome, nameof(genome)), dataset);

    private static Nb201Genome Cast(Genome genome, string parameter)
    {
        ArgumentNullException.ThrowIfNull(genome, parameter);
        return genome as Nb201Genome
            ?? throw new ArgumentException($"Expected a {SpaceName} genome, got a {genome.SpaceName} genome ('{genome.Canonical}').", parameter);
    }
}
