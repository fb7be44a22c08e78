namespace NasPS.Spaces;

/// <summary>The flat description of a space that New-SearchSpace emits and Get-Architecture accepts; plain values, so it
/// survives serialization. The live space is looked up again by <see cref="Name"/>.</summary>
public sealed class SearchSpaceInfo
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public long? Count { get; init; }
    public bool HasOfficialIndex { get; init; }

    public static SearchSpaceInfo From(ISearchSpace space) => new()
    {
        Name = space.Name,
        Description = space.Description,
        Count = space.Count,
        HasOfficialIndex = space.HasOfficialIndex,
    };

    public ISearchSpace Resolve() => SearchSpaces.Get(Name);

    public override string ToString() => Name;
}
