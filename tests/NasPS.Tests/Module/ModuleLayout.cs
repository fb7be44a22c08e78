using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NasPS.Cmdlets;

namespace NasPS.Tests.Module;

/// <summary>The repository's module files and the cmdlet assembly, as the surface tests see them.</summary>
public static class ModuleLayout
{
    public static readonly Assembly CmdletAssembly = typeof(GetArchitectureCommand).Assembly;

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ManifestText => File.ReadAllText(Path.Combine(RepoRoot, "NasPS.psd1"));

    public static IReadOnlyList<Type> CmdletTypes { get; } =
        CmdletAssembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null).OrderBy(t => t.Name).ToList();

    // PowerShellStandard.Library is a reference stub at run time: its attribute constructors drop their arguments, so
    // attribute values are read from metadata (CustomAttributeData), which holds exactly what the source wrote.

    public static IEnumerable<CustomAttributeData> Attributes<T>(MemberInfo member) where T : Attribute =>
        member.CustomAttributes.Where(a => typeof(T).IsAssignableFrom(a.AttributeType));

    public static string Verb(Type cmdlet) => (string)Attributes<CmdletAttribute>(cmdlet).Single().ConstructorArguments[0].Value!;

    public static string CmdletName(Type cmdlet) =>
        $"{Verb(cmdlet)}-{(string)Attributes<CmdletAttribute>(cmdlet).Single().ConstructorArguments[1].Value!}";

    /// <summary>The types named by [OutputType(typeof(...))] attributes.</summary>
    public static IReadOnlyList<Type> OutputTypes(Type cmdlet) =>
        Attributes<OutputTypeAttribute>(cmdlet)
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(arg => (Type)arg.Value!)
            .ToList();

    /// <summary>A named bool of any [Parameter] attribute on <paramref name="parameter"/> (e.g. ValueFromPipeline).</summary>
    public static bool AnyParameterFlag(PropertyInfo parameter, string flag) =>
        Attributes<ParameterAttribute>(parameter).Any(a => a.NamedArguments.Any(n => n.MemberName == flag && (bool)n.TypedValue.Value!));

    public static IEnumerable<string> Aliases(PropertyInfo parameter) =>
        Attributes<AliasAttribute>(parameter)
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(arg => (string)arg.Value!);

    /// <summary>Public properties carrying [Parameter].</summary>
    public static IEnumerable<PropertyInfo> Parameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => Attributes<ParameterAttribute>(p).Any());

    /// <summary>The value of an array entry of the manifest (e.g. CmdletsToExport), as written.</summary>
    public static IReadOnlyList<string> ManifestList(string key)
    {
        var m = Regex.Match(ManifestText, key + @"\s*=\s*@\((?<body>[^)]*)\)", RegexOptions.Singleline);
        if (!m.Success) throw new InvalidDataException($"NasPS.psd1 has no {key} = @(...) entry.");
        return Regex.Matches(m.Groups["body"].Value, @"'([^']*)'").Select(x => x.Groups[1].Value).ToList();
    }

    public static string? ManifestScalar(string key)
    {
        var m = Regex.Match(ManifestText, key + @"\s*=\s*'([^']*)'");
        return m.Success ? m.Groups[1].Value : null;
    }

    public static XDocument Help => XDocument.Load(Path.Combine(RepoRoot, "module", "en-US", "NasPS.Cmdlets.dll-Help.xml"));

    public static XDocument Formats => XDocument.Load(Path.Combine(RepoRoot, "module", "NasPS.Format.ps1xml"));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NasPS.psd1")) && File.Exists(Path.Combine(dir.FullName, "NasPS.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("The repository root (with NasPS.psd1) was not found above the test binaries.");
    }
}
