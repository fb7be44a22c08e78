using NasPS.Spaces;

namespace NasPS.Search.Cyclic;

/// <summary>
/// A space whose choices split into <b>topology</b> genes (which operations, how they connect) and <b>size</b> genes
/// (how big each operation is), for the cyclic search (spec §7.2, a project definition). Genes are small integers,
/// gene i taking values 0..Choices[i]−1. A size gene may be unused by a topology (NB201: the kernel of an edge that
/// is not a convolution); <see cref="IsSizeGeneActive"/> says which, so a size phase only varies what matters.
/// </summary>
public interface IFactoredSearchSpace
{
    /// <summary>The space the genomes belong to.</summary>
    ISearchSpace Space { get; }

    /// <summary>Number of values of each topology gene.</summary>
    IReadOnlyList<int> TopologyChoices { get; }

    /// <summary>Number of values of each size gene.</summary>
    IReadOnlyList<int> SizeChoices { get; }

    /// <summary>The genes of <paramref name="genome"/>; size genes its topology does not use read as the space's documented default.</summary>
    (int[] Topology, int[] Size) Split(Genome genome);

    /// <summary>The genome with these genes (unused size genes are ignored).</summary>
    Genome Join(IReadOnlyList<int> topology, IReadOnlyList<int> size);

    /// <summary>Whether size gene <paramref name="sizeGene"/> changes the architecture under <paramref name="topology"/>.</summary>
    bool IsSizeGeneActive(IReadOnlyList<int> topology, int sizeGene);
}
