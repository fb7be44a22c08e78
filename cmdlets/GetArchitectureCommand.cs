using System.Management.Automation;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// Architectures of a space as flat objects: a seeded random sample, the whole space (lazily, optionally one shard),
/// official indices, or architecture strings (by value or from an object's Architecture property).
/// </summary>
[Cmdlet(VerbsCommon.Get, "Architecture", DefaultParameterSetName = ByArchitecture)]
[OutputType(typeof(ArchitectureRecord))]
public sealed class GetArchitectureCommand : PSCmdlet
{
    private const string ByRandom = "Random";
    private const string ByAll = "All";
    private const string ByIndex = "Index";
    private const string ByArchitecture = "Architecture";

    [Parameter(ParameterSetName = ByRandom, Position = 0, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ByAll, Position = 0, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ByIndex, Position = 0, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ByArchitecture, ValueFromPipelineByPropertyName = true)]
    [SearchSpaceTransformation]
    [ArgumentCompleter(typeof(SearchSpaceNameCompleter))]
    public SearchSpaceInfo? Space { get; set; }

    [Parameter(ParameterSetName = ByRandom, Mandatory = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Random { get; set; }

    [Parameter(ParameterSetName = ByRandom)]
    public long? Seed { get; set; }

    [Parameter(ParameterSetName = ByAll, Mandatory = true)]
    public SwitchParameter All { get; set; }

    [Parameter(ParameterSetName = ByAll)]
    [ValidateRange(0, int.MaxValue)]
    public int Shard { get; set; }

    [Parameter(ParameterSetName = ByAll)]
    [ValidateRange(1, int.MaxValue)]
    public int ShardCount { get; set; } = 1;

    [Parameter(ParameterSetName = ByIndex, Mandatory = true)]
    public long[] Index { get; set; } = [];

    [Parameter(ParameterSetName = ByArchitecture, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arch")]
    [ValidateNotNullOrEmpty]
    public string[] Architecture { get; set; } = [];

    [Parameter]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateDataset]
    public string Dataset { get; set; } = "cifar10";

    protected override void ProcessRecord()
    {
        var dataset = DatasetInfo.Parse(Dataset);
        switch (ParameterSetName)
        {
            case ByRandom:
                ulong seed = Seed is long s ? unchecked((ulong)s) : (ulong)System.Random.Shared.NextInt64();
                if (Seed is null) WriteVerbose($"No -Seed given; using {unchecked((long)seed)}. Pass -Seed {unchecked((long)seed)} to draw the same sample again.");
                var space = RequireSpace();
                try
                {
                    Emit(space, ArchitectureQuery.Random(space, Random, seed), dataset);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidSampleSize, ErrorCategory.InvalidArgument, Random));
                }
                break;
            case ByAll:
                space = RequireSpace();
                if (Shard >= ShardCount)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Shard {Shard} must be less than -ShardCount {ShardCount} (shards count from 0)."),
                        ErrorIds.InvalidShard, ErrorCategory.InvalidArgument, Shard));
                if (space.Count is null)
                    ThrowTerminatingError(new ErrorRecord(new NotSupportedException($"{space.Name} is not finite; use -Random."),
                        ErrorIds.NotEnumerable, ErrorCategory.InvalidOperation, space.Name));
                Emit(space, ArchitectureQuery.All(space, Shard, ShardCount), dataset);
                break;
            case ByIndex:
                space = RequireSpace();
                foreach (long index in Index)
                {
                    Genome genome;
                    try
                    {
                        genome = space.FromIndex(index);
                    }
                    catch (ArgumentOutOfRangeException e)
                    {
                        WriteError(new ErrorRecord(e, ErrorIds.IndexOutOfRange, ErrorCategory.InvalidArgument, index));
                        continue;
                    }
                    WriteObject(ArchitectureRecord.Create(space, genome, dataset));
                }
                break;
            default:
                foreach (var text in Architecture)
                {
                    ISearchSpace owner;
                    Genome genome;
                    try
                    {
                        if (Space is null)
                        {
                            (owner, genome) = SearchSpaces.ParseAny(text);
                        }
                        else
                        {
                            owner = Space.Resolve();
                            genome = owner.Parse(text);
                        }
                    }
                    catch (ArchitectureFormatException e)
                    {
                        WriteError(new ErrorRecord(e, ErrorIds.InvalidArchitecture, ErrorCategory.InvalidArgument, text));
                        continue;
                    }
                    WriteObject(ArchitectureRecord.Create(owner, genome, dataset));
                }
                break;
        }
    }

    private ISearchSpace RequireSpace()
    {
        if (Space is null)
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Name a search space with -Space ({string.Join(", ", SearchSpaces.Names)}) or pipe New-SearchSpace into Get-Architecture."),
                ErrorIds.UnknownSearchSpace, ErrorCategory.InvalidArgument, null));
        return Space!.Resolve();
    }

    private void Emit(ISearchSpace space, IEnumerable<Genome> genomes, Dataset dataset)
    {
        foreach (var genome in genomes)
        {
            if (Stopping) return;
            WriteObject(ArchitectureRecord.Create(space, genome, dataset));
        }
    }
}
