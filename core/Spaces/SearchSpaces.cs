namespace NasPS.Spaces;

/// <summary>The spaces NasPS knows, by name (case-insensitive; short aliases accepted).</summary>
public static class SearchSpaces
{
    private static readonly Dictionary<string, Func<ISearchSpace>> Factories = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase);
    private static readonly List<string> Ordered = [];

    static SearchSpaces()
    {
        Register(NasBench201.NasBench201Space.SpaceName, () => NasBench201.NasBench201Space.Instance, "nb201", "nats-tss", "NATS-TSS");
        Register(NatsSize.NatsSizeSpace.SpaceName, () => NatsSize.NatsSizeSpace.Instance, "nats-sss", "NATS-SSS");
        Register(NasBench101.NasBench101Space.SpaceName, () => NasBench101.NasBench101Space.Instance, "nb101");
        Register(HybridEdge.HybridEdgeSpace.SpaceName, () => HybridEdge.HybridEdgeSpace.Instance, "hybrid", "hybrid-edge");
    }

    /// <summary>Canonical names, in registration order.</summary>
    public static IReadOnlyList<string> Names => Ordered;

    public static void Register(string name, Func<ISearchSpace> factory, params string[] aliases)
    {
        Factories[name] = factory;
        Ordered.Add(name);
        foreach (var alias in aliases) Aliases[alias] = name;
    }

    public static bool TryGet(string? name, out ISearchSpace space)
    {
        space = null!;
        if (string.IsNullOrWhiteSpace(name)) return false;
        name = name.Trim();
        if (Aliases.TryGetValue(name, out var canonical)) name = canonical;
        if (!Factories.TryGetValue(name, out var factory)) return false;
        space = factory();
        return true;
    }

    public static ISearchSpace Get(string name) =>
        TryGet(name, out var space)
            ? space
            : throw new ArgumentException($"Unknown search space '{name}'. Known spaces: {string.Join(", ", Ordered)}.", nameof(name));

    /// <summary>Parses <paramref name="text"/> in whichever known space accepts it; when none does, the error lists
    /// each space's complaint, so the user sees what is wrong with the string.</summary>
    public static (ISearchSpace Space, Genome Genome) ParseAny(string text)
    {
        var problems = new List<string>();
        foreach (var name in Ordered)
        {
            var space = Get(name);
            try
            {
                return (space, space.Parse(text));
            }
            catch (ArchitectureFormatException e)
            {
                problems.Add($"{space.Name}: {e.Problem}");
            }
        }
        throw new ArchitectureFormatException("known", text, "no space accepts it (" + string.Join("; ", problems) + ")");
    }
}
