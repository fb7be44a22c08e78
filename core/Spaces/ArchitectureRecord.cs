namespace NasPS.Spaces;

/// <summary>
/// The flat object users see and pipelines carry: plain values only, no live handles, so it survives
/// Export-Clixml, ConvertTo-Json, Start-Job and remoting. Scores are added by name as they are measured.
/// </summary>
public sealed class ArchitectureRecord
{
    public required string Space { get; init; }
    public long? Index { get; init; }
    public required string Architecture { get; init; }
    public required string Hash { get; init; }
    public required string Dataset { get; init; }
    public long Parameters { get; init; }
    public long Flops { get; init; }
    /// <summary>The space's input side where it is a setting (HybridEdge), else null; with <see cref="Classes"/> it lets
    /// a cmdlet further down the pipeline rebuild the same network (SearchSpaceInfo.Resolve).</summary>
    public int? Resolution { get; init; }
    /// <summary>The space's class count where it is a setting (HybridEdge), else null.</summary>
    public int? Classes { get; init; }

    /// <summary>Scores by proxy name, in the order they were added.</summary>
    public Dictionary<string, double> Scores { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public static ArchitectureRecord Create(ISearchSpace space, Genome genome, Dataset dataset) => new()
    {
        Space = space.Name,
        Index = space.IndexOf(genome),
        Architecture = genome.Canonical,
        Hash = genome.Hash,
        Dataset = dataset.ShortName(),
        Parameters = space.CountParameters(genome, dataset),
        Flops = space.CountFlops(genome, dataset),
        Resolution = (space as HybridEdge.HybridEdgeSpace)?.Resolution,
        Classes = (space as HybridEdge.HybridEdgeSpace)?.Classes,
    };
}
