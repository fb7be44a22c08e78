using System.Management.Automation;
using NasPS.Spaces;

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

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (SearchSpaces.TryGet(name, out var space))
                WriteObject(SearchSpaceInfo.From(space));
            else
                WriteError(new ErrorRecord(
                    new ArgumentException($"Unknown search space '{name}'. Known spaces: {string.Join(", ", SearchSpaces.Names)}."),
                    ErrorIds.UnknownSearchSpace, ErrorCategory.InvalidArgument, name));
        }
    }
}
