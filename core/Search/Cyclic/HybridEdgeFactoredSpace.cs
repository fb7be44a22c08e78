using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;

namespace NasPS.Search.Cyclic;

/// <summary>
/// HybridEdge split for the cyclic search (project definition, docs/hybrid-edge.md): topology = the block type of each
/// stage; size = stem and head widths and each stage's depth, width, expansion, heads and MLP ratio (heads and MLP ratio
/// are used only by attention stages; unused, they read as the table's first values). Genes as
/// <see cref="HybridEdgeSpace.Genes"/> defines them.
/// </summary>
public sealed class HybridEdgeFactoredSpace(HybridEdgeSpace space) : IFactoredSearchSpace
{
    public HybridEdgeSpace HybridSpace { get; } = space ?? throw new ArgumentNullException(nameof(space));
    public ISearchSpace Space => HybridSpace;
    public IReadOnlyList<int> TopologyChoices => HybridEdgeSpace.TopologyChoices;
    public IReadOnlyList<int> SizeChoices => HybridEdgeSpace.SizeChoices;

    public (int[] Topology, int[] Size) Split(Genome genome) =>
        HybridEdgeSpace.Genes(genome as HybridEdgeGenome
            ?? throw new ArgumentException($"Expected a {HybridEdgeSpace.SpaceName} genome, got a {genome?.SpaceName} genome ('{genome?.Canonical}').", nameof(genome)));

    public Genome Join(IReadOnlyList<int> topology, IReadOnlyList<int> size) => HybridSpace.FromGenes(topology, size);

    public bool IsSizeGeneActive(IReadOnlyList<int> topology, int sizeGene) => HybridEdgeSpace.IsSizeGeneActive(topology, sizeGene);
}
