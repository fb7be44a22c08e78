namespace NasPS.Spaces;

/// <summary>The flat description of a space that New-SearchSpace emits and Get-Architecture accepts; plain values, so it
/// survives serialization. The live space is looked up again by <see cref="Name"/>.</summary>
public sealed class SearchSpaceInfo
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public long? Count { get; init; }
    public bool HasOfficialIndex { get; init; }
    /// <summary>Input side of a space that has it as a setting (HybridEdge), else null.</summary>
    public int? Resolution { get; init; }
    /// <summary>Classifier outputs of a space that has them as a setting (HybridEdge), else null.</summary>
    public int? Classes { get; init; }

    public static SearchSpaceInfo From(ISearchSpace space) => new()
    {
        Name = space.Name,
        Description = space.Description,
        Count = space.Count,
        HasOfficialIndex = space.HasOfficialIndex,
        Resolution = (space as HybridEdge.HybridEdgeSpace)?.Resolution,
        Classes = (space as HybridEdge.HybridEdgeSpace)?.Classes,
    };

    /// <summary>The live space, with this object's resolution and classes where it has them.</summary>
    /// <exception cref="ArgumentException">A resolution or class count given for a space that takes none.</exception>
    public ISearchSpace Resolve() => Resolve(Name, Resolution, Classes);

    /// <summary>The live space <paramref name="name"/> with the given settings (null: the space's default).</summary>
    /// <exception cref="ArgumentException">An unknown space, or a resolution or class count given for a space that takes none.</exception>
    public static ISearchSpace Resolve(string name, int? resolution, int? classes)
    {
        var space = SearchSpaces.Get(name);
        if (resolution is null && classes is null) return space;
        if (space is not HybridEdge.HybridEdgeSpace)
            throw new ArgumentException($"A resolution and class count are settings of the HybridEdge space; {space.Name} takes them from its dataset.");
        return HybridEdge.HybridEdgeSpace.With(resolution ?? HybridEdge.HybridEdgeSpace.DefaultResolution, classes ?? HybridEdge.HybridEdgeSpace.DefaultClasses);
    }

    public override string ToString() => Name;
}
