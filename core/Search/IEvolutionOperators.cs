using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Search;

/// <summary>How an evolutionary search makes architectures: the whole space's operators for FreeREA, or one
/// factor's operators for a phase of the cyclic search.</summary>
public interface IEvolutionOperators
{
    Genome Sample(Rng rng);
    Genome Mutate(Genome genome, Rng rng);
    Genome Crossover(Genome first, Genome second, Rng rng);
}

/// <summary>The space's own sampling, mutation and crossover.</summary>
public sealed class SpaceOperators(ISearchSpace space) : IEvolutionOperators
{
    public Genome Sample(Rng rng) => space.Sample(rng);
    public Genome Mutate(Genome genome, Rng rng) => space.Mutate(genome, rng);
    public Genome Crossover(Genome first, Genome second, Rng rng) => space.Crossover(first, second, rng);
}
