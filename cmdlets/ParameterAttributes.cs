using System.Management.Automation;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// Lets -Space take a name ("nb201"), a SearchSpaceInfo from New-SearchSpace, or that object after serialization
/// (a PSObject with a Name property, as Import-Clixml and remoting return it).
/// </summary>
public sealed class SearchSpaceTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        try
        {
            return ToSpaceInfo(inputData);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }

    /// <exception cref="ArgumentException">The input names no space; the message lists the known ones.</exception>

    public static SearchSpaceInfo ToSpaceInfo(object? input)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        if (value is SearchSpaceInfo info) return info;
        if (value is string name) return Lookup(name);
        if (input is PSObject serialized && serialized.Properties["Name"]?.Value is string serializedName)
        {
            var found = Lookup(serializedName);
            // HybridEdge's resolution and classes travel as plain properties (null for the other spaces).
            int? Setting(string property) => serialized.Properties[property]?.Value is { } v ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : null;
            int? resolution = Setting("Resolution"), classes = Setting("Classes");
            return resolution is null && classes is null ? found : SearchSpaceInfo.From(new SearchSpaceInfo { Name = found.Name, Description = found.Description, Resolution = resolution, Classes = classes }.Resolve());
        }
        throw new ArgumentException(
            $"Cannot use '{input}' as a search space: give a space name ({string.Join(", ", SearchSpaces.Names)}) or the output of New-SearchSpace.");
    }

    private static SearchSpaceInfo Lookup(string name) =>
        SearchSpaces.TryGet(name, out var space)
            ? SearchSpaceInfo.From(space)
            : throw new ArgumentException(
                $"Unknown search space '{name}'. Known spaces: {string.Join(", ", SearchSpaces.Names)}.");
}

/// <summary>Rejects an unknown -Dataset at binding time with the list of valid names.</summary>
public sealed class ValidateDatasetAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        try
        {
            Check(arguments);
        }
        catch (ArgumentException e)
        {
            throw new ValidationMetadataException(e.Message, e);
        }
    }

    /// <exception cref="ArgumentException">Not a known dataset name; the message lists the valid ones.</exception>
    public static void Check(object? arguments)
    {
        if (arguments is PSObject pso) arguments = pso.BaseObject;
        if (arguments is not string text || !DatasetInfo.TryParse(text, out _))
            throw new ArgumentException(
                $"Unknown dataset '{arguments}'. Expected one of: {string.Join(", ", DatasetInfo.Names)}.");
    }
}
