using NasPS.Randomness;

namespace NasPS.Spaces.NasBench201;

/// <summary>
/// The official NAS-Bench-201 / NATS-Bench-TSS index (spec §1.4): the 15,625 cells in generation order
/// (<see cref="Nb201Genome.GenerationPosition"/>), shuffled once by Python's <c>random.seed(88); random.shuffle</c>.
/// Index k is position k of the shuffled list. Built once, on first use, in both directions.
/// </summary>
public static class Nb201IndexOrder
{
    public const int Size = 15625;
    private const int OfficialShuffleSeed = 88;

    private static readonly Lazy<(int[] PositionOfIndex, int[] IndexOfPosition)> Maps = new(Build);

    /// <summary>The generation position of the cell with official index <paramref name="index"/>.</summary>
    public static int PositionOf(int index)
    {
        if ((uint)index >= Size) throw new ArgumentOutOfRangeException(nameof(index), index, $"NAS-Bench-201 indices run 0..{Size - 1}.");
        return Maps.Value.PositionOfIndex[index];
    }

    /// <summary>The official index of the cell at generation position <paramref name="position"/>.</summary>
    public static int IndexOf(int position)
    {
        if ((uint)position >= Size) throw new ArgumentOutOfRangeException(nameof(position), position, $"Generation positions run 0..{Size - 1}.");
        return Maps.Value.IndexOfPosition[position];
    }

    private static (int[], int[]) Build()
    {
        var positionOfIndex = new int[Size];
        for (int g = 0; g < Size; g++) positionOfIndex[g] = g;
        new PythonRandom(OfficialShuffleSeed).Shuffle(positionOfIndex.AsSpan());
        var indexOfPosition = new int[Size];
        for (int i = 0; i < Size; i++) indexOfPosition[positionOfIndex[i]] = i;
        return (positionOfIndex, indexOfPosition);
    }
}
