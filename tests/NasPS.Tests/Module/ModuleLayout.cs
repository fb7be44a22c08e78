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

    public static string CmdletName(Type t)
    {
        var a = t.GetCustomAttribute<CmdletAttribute>()!;
        return $"{a.VerbName}-{a.NounName}";
    }

    /// <summary>Public properties carrying [Parameter].</summary>
    public static IEnumerable<PropertyInfo> Parameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttributes<ParameterAttribute>().Any());

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
