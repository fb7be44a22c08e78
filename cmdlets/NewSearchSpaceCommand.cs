using System.Management.Automation;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;

namespace NasPS.Cmdlets;

/// <summary>Names a search space for the pipeline: `New-SearchSpace NasBench201 | Get-Architecture -Random 10`.</summary>
[Cmdlet(VerbsCommon.New, "SearchSpace")]
[OutputType(typeof(SearchSpaceInfo))]
public sealed class NewSearchSpaceCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(SearchSpaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Input side in pixels (HybridEdge only; default 224).</summary>
    [Parameter]
    [ValidateRange(HybridEdgeSpace.MinResolution, 4096)]
    public int? Resolution { get; set; }

    /// <summary>Number of classes (HybridEdge only; default 1000).</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? Classes { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (SearchSpaces.TryGet(name, out var space))
            {
                if (Resolution is null && Classes is null)
                    WriteObject(SearchSpaceInfo.From(space));
                else if (space is HybridEdgeSpace)
                    WriteObject(SearchSpaceInfo.From(Settings()));
                else
                    WriteError(new ErrorRecord(
                        new ArgumentException($"-Resolution and -Classes set the HybridEdge space; {space.Name} takes them from its dataset."),
                        ErrorIds.SpaceTakesNoSetting, ErrorCategory.InvalidArgument, name));
            }
            else
                WriteError(new ErrorRecord(
                    new ArgumentException($"Unknown search space '{name}'. Known spaces: {string.Join(", ", SearchSpaces.Names)}."),
                    ErrorIds.UnknownSearchSpace, ErrorCategory.InvalidArgument, name));
        }
    }

    /// <summary>The space with this call's resolution and classes (defaults where one is not given).</summary>
    public HybridEdgeSpace Settings() =>
        HybridEdgeSpace.With(Resolution ?? HybridEdgeSpace.DefaultResolution, Classes ?? HybridEdgeSpace.DefaultClasses);
}
