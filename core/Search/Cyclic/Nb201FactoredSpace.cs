using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

namespace NasPS.Search.Cyclic;

/// <summary>
/// NAS-Bench-201 split for the cyclic search (spec §7.2, project definition). Topology: per edge, one of
/// none (0), skip_connect (1), convolution (2), avg_pool_3x3 (3). Size: per edge, the convolution kernel,
/// 1×1 (0) or 3×3 (1), used only where the edge is a convolution; in this space the kernels alone set the
/// parameters and FLOPs (§1.5). An unused kernel gene reads as 3×3.
/// </summary>
public sealed class Nb201FactoredSpace : IFactoredSearchSpace
{
    private const int Convolution = 2;
    private static readonly Nb201Op[] TopologyOps = [Nb201Op.None, Nb201Op.SkipConnect, Nb201Op.Conv3x3, Nb201Op.AvgPool3x3];

    public static Nb201FactoredSpace Instance { get; } = new();

    private Nb201FactoredSpace() { }

    public ISearchSpace Space => NasBench201Space.Instance;
    public IReadOnlyList<int> TopologyChoices { get; } = Enumerable.Repeat(TopologyOps.Length, Nb201Genome.EdgeCount).ToArray();
    public IReadOnlyList<int> SizeChoices { get; } = Enumerable.Repeat(2, Nb201Genome.EdgeCount).ToArray();

    public (int[] Topology, int[] Size) Split(Genome genome)
    {
        var cell = genome as Nb201Genome
            ?? throw new ArgumentException($"Expected a NasBench201 genome, got a {genome.SpaceName} genome ('{genome.Canonical}').", nameof(genome));
        var topology = new int[Nb201Genome.EdgeCount];
        var size = new int[Nb201Genome.EdgeCount];
        for (int e = 0; e < topology.Length; e++)
        {
            topology[e] = cell[e] switch
            {
                Nb201Op.None => 0,
                Nb201Op.SkipConnect => 1,
                Nb201Op.Conv1x1 or Nb201Op.Conv3x3 => Convolution,
                Nb201Op.AvgPool3x3 => 3,
                _ => throw new ArgumentOutOfRangeException(nameof(genome), cell[e], "Unknown NAS-Bench-201 operation."),
            };
            size[e] = cell[e] == Nb201Op.Conv1x1 ? 0 : 1;
        }
        return (topology, size);
    }

    public Genome Join(IReadOnlyList<int> topology, IReadOnlyList<int> size)
    {
        Check(topology, TopologyChoices, nameof(topology));
        Check(size, SizeChoices, nameof(size));
        Span<Nb201Op> ops = stackalloc Nb201Op[Nb201Genome.EdgeCount];
        for (int e = 0; e < ops.Length; e++)
            ops[e] = topology[e] == Convolution ? (size[e] == 0 ? Nb201Op.Conv1x1 : Nb201Op.Conv3x3) : TopologyOps[topology[e]];
        return new Nb201Genome(ops);
    }

    public bool IsSizeGeneActive(IReadOnlyList<int> topology, int sizeGene) => topology[sizeGene] == Convolution;

    private static void Check(IReadOnlyList<int> genes, IReadOnlyList<int> choices, string name)
    {
        if (genes.Count != choices.Count) throw new ArgumentException($"Expected {choices.Count} genes, got {genes.Count}.", name);
        for (int i = 0; i < genes.Count; i++)
            if ((uint)genes[i] >= (uint)choices[i]) throw new ArgumentOutOfRangeException(name, genes[i], $"Gene {i} takes values 0..{choices[i] - 1}.");
    }
}
