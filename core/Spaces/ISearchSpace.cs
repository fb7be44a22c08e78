using NasPS.Randomness;

namespace NasPS.Spaces;

/// <summary>
/// What a search needs of a space and nothing more (after Archai's DiscreteSearchSpace): sample, enumerate,
/// mutate, cross over, parse and print, index, and cost. Searches and cmdlets see only this.
/// </summary>
public interface ISearchSpace
{
    /// <summary>The name users type: "NasBench201", "NatsSize", …</summary>
    string Name { get; }

    /// <summary>One line for listings.</summary>
    string Description { get; }

    /// <summary>The settings that change this space's networks beyond its name (HybridEdge: resolution and classes), as
    /// text; null when there are none. Checkpoints record it, so a resume under other settings is refused.</summary>
    string? Settings => null;

    /// <summary>Number of architectures when the space is finite and enumerable, else null.</summary>
    long? Count { get; }

    /// <summary>True when architectures have an official benchmark index.</summary>
    bool HasOfficialIndex { get; }

    /// <summary>Parses a canonical (or alternate accepted) architecture string strictly.</summary>
    /// <exception cref="ArchitectureFormatException">The text is not an architecture of this space; the message says what and where.</exception>
    Genome Parse(string text);

    /// <summary>Uniform sample.</summary>
    Genome Sample(Rng rng);

    /// <summary>Every architecture, lazily, in official index order when there is one, else in a fixed documented order.</summary>
    /// <exception cref="NotSupportedException">The space is not finite.</exception>
    IEnumerable<Genome> Enumerate();

    /// <summary>A neighbour differing in one choice (never equal to <paramref name="genome"/>).</summary>
    Genome Mutate(Genome genome, Rng rng);

    /// <summary>A child mixing two parents' choices.</summary>
    Genome Crossover(Genome first, Genome second, Rng rng);

    /// <summary>Official index of <paramref name="genome"/>, or null when the space has none.</summary>
    int? IndexOf(Genome genome);

    /// <summary>The genome at an official index (or enumeration position when there is no official index).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such index.</exception>
    Genome FromIndex(long index);

    /// <summary>Trainable parameters of the network this genome builds for <paramref name="dataset"/>.</summary>
    long CountParameters(Genome genome, Dataset dataset);

    /// <summary>Multiply-accumulates of one forward pass on one image of <paramref name="dataset"/>,
    /// under the space's benchmark counting rule (for NB201: convolutions and the classifier only).</summary>
    long CountFlops(Genome genome, Dataset dataset);
}

/// <summary>An architecture string that does not parse; <see cref="Exception.Message"/> says what is wrong and where.</summary>
public sealed class ArchitectureFormatException : FormatException
{
    public ArchitectureFormatException(string space, string text, string problem)
        : base($"'{text}' is not a {space} architecture: {problem}")
    {
        Space = space;
        Text = text;
        Problem = problem;
    }

    public string Space { get; }
    public string Text { get; }
    public string Problem { get; }
}
