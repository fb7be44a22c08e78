using System.Management.Automation;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>Reading architecture objects as they arrive: live records, their deserialized copies, or any object with an
/// Architecture property (Import-Csv rows), and adding properties to them without losing the user's own.</summary>
internal static class PipelineObjects
{
    public static string? Text(PSObject item, string property) =>
        item.BaseObject is ArchitectureRecord record
            ? property switch
            {
                "Space" => record.Space, "Architecture" => record.Architecture, "Dataset" => record.Dataset,
                "Index" => record.Index?.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => null,
            }
            : item.Properties[property]?.Value?.ToString() ?? (item.BaseObject as string is { } s && property == "Architecture" ? s : null);

    /// <summary>The incoming object's genome (see <see cref="GenomeOf"/>); when it has no architecture, or one that does not
    /// parse, writes NasPS.NotAnArchitecture or NasPS.InvalidArchitecture and returns null.</summary>
    public static Genome? GenomeOrError(Cmdlet cmdlet, PSObject item)
    {
        if (ArchitectureOrError(cmdlet, item) is not string text) return null;
        try
        {
            return GenomeOf(item, text);
        }
        catch (Exception e) when (e is ArchitectureFormatException or ArgumentException)
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.InvalidArchitecture, ErrorCategory.InvalidArgument, text));
            return null;
        }
    }

    /// <summary>
    /// The genome of an incoming object's architecture <paramref name="text"/>: in its Space (with its Resolution and
    /// Classes where the space has them as settings, so a HybridEdge record at 112×112 is scored at 112×112), or, without
    /// a Space, in the space whose syntax it matches.
    /// </summary>
    /// <exception cref="ArchitectureFormatException">The text is not an architecture of that space.</exception>
    /// <exception cref="ArgumentException">An unknown space, or settings the space does not take.</exception>
    public static Genome GenomeOf(PSObject item, string text)
    {
        if (Text(item, "Space") is not string spaceName) return SearchSpaces.ParseAny(text).Genome;
        int? Setting(string property) => item.BaseObject is ArchitectureRecord record
            ? (property == "Resolution" ? record.Resolution : record.Classes)
            : Number(item, property) is double d ? (int)d : null;
        return SearchSpaceInfo.Resolve(spaceName, Setting("Resolution"), Setting("Classes")).Parse(text);
    }

    /// <summary>Adds (or replaces) a note property, and mirrors it into a live record's Scores for the CLI's writers.</summary>
    public static void SetScore(PSObject item, string property, string proxy, double value)
    {
        if (item.BaseObject is ArchitectureRecord record) record.Scores[proxy] = value;
        if (item.Properties[property] is not null) item.Properties.Remove(property);
        item.Properties.Add(new PSNoteProperty(property, value));
    }

    /// <summary>The incoming object's architecture string; when it has none, writes NasPS.NotAnArchitecture and returns null.</summary>
    public static string? ArchitectureOrError(Cmdlet cmdlet, PSObject item)
    {
        string? text = Text(item, "Architecture");
        if (text is null)
            cmdlet.WriteError(new ErrorRecord(
                new ArgumentException($"'{item}' is not an architecture: pipe Get-Architecture output, an architecture string, or objects with an Architecture property."),
                ErrorIds.NotAnArchitecture, ErrorCategory.InvalidArgument, item));
        return text;
    }

    /// <summary>A numeric property (any type PowerShell converts to double: numbers, numeric strings from Import-Csv);
    /// null when the object has no such property or its value is not a number.</summary>
    public static double? Number(PSObject item, string property) =>
        item.Properties[property]?.Value is { } v && LanguagePrimitives.TryConvertTo(v, System.Globalization.CultureInfo.InvariantCulture, out double d) ? d : null;

    /// <summary>The dataset to cost or score an incoming object for: the cmdlet's -Dataset, else the object's own, else CIFAR-10.</summary>
    public static Dataset DatasetOf(PSObject item, string? datasetParameter) =>
        DatasetInfo.Parse(datasetParameter ?? Text(item, "Dataset") ?? "cifar10");
}
