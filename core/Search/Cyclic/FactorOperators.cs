using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Search.Cyclic;

/// <summary>
/// Evolution operators restricted to one factor of an <see cref="IFactoredSearchSpace"/>, the other held fixed:
/// sampling draws every varied gene uniformly; mutation changes one varied gene, chosen uniformly, to another value
/// chosen uniformly (on NB201 topology this is FreeREA's edge rule, §4.1); crossover takes each varied gene from
/// either parent with probability ½. With no gene to vary, mutation returns its parent.
/// </summary>
internal sealed class FactorOperators : IEvolutionOperators
{
    private readonly IFactoredSearchSpace _space;
    private readonly bool _variesTopology;
    private readonly int[] _topology;
    private readonly int[] _size;
    private readonly int[] _varied;
    private readonly IReadOnlyList<int> _choices;

    private FactorOperators(IFactoredSearchSpace space, bool variesTopology, int[] topology, int[] size)
    {
        _space = space;
        _variesTopology = variesTopology;
        _topology = (int[])topology.Clone();
        _size = (int[])size.Clone();
        _choices = variesTopology ? space.TopologyChoices : space.SizeChoices;
        _varied = Enumerable.Range(0, _choices.Count)
            .Where(i => _choices[i] > 1 && (variesTopology || space.IsSizeGeneActive(topology, i)))
            .ToArray();
    }

    /// <summary>Varies the topology genes; size genes stay <paramref name="size"/>.</summary>
    public static FactorOperators Topology(IFactoredSearchSpace space, int[] size) =>
        new(space, variesTopology: true, new int[space.TopologyChoices.Count], size);

    /// <summary>Varies the size genes that <paramref name="topology"/> uses; the others stay as in <paramref name="size"/>.</summary>
    public static FactorOperators Size(IFactoredSearchSpace space, int[] topology, int[] size) =>
        new(space, variesTopology: false, topology, size);

    public Genome Sample(Rng rng)
    {
        int[] genes = Fixed();
        foreach (int i in _varied) genes[i] = rng.NextInt(_choices[i]);
        return Join(genes);
    }

    public Genome Mutate(Genome genome, Rng rng)
    {
        if (_varied.Length == 0) return genome;
        int[] genes = Genes(genome);
        int i = _varied[rng.NextInt(_varied.Length)];
        int other = rng.NextInt(_choices[i] - 1);
        genes[i] = other >= genes[i] ? other + 1 : other;
        return Join(genes);
    }

    public Genome Crossover(Genome first, Genome second, Rng rng)
    {
        int[] a = Genes(first), b = Genes(second);
        foreach (int i in _varied)
            if (rng.NextInt(2) == 1) a[i] = b[i];
        return Join(a);
    }

    /// <summary>The varied factor's genes of <paramref name="genome"/>, unvaried positions from the fixed genes.</summary>
    private int[] Genes(Genome genome)
    {
        var (topology, size) = _space.Split(genome);
        int[] read = _variesTopology ? topology : size;
        int[] genes = Fixed();
        foreach (int i in _varied) genes[i] = read[i];
        return genes;
    }

    private int[] Fixed() => (int[])(_variesTopology ? _topology : _size).Clone();

    private Genome Join(int[] genes) => _variesTopology ? _space.Join(genes, _size) : _space.Join(_topology, genes);
}
