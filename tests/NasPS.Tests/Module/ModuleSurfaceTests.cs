using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using NasPS.Cmdlets;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Module;

/// <summary>What a PowerShell user relies on without reading code: approved verbs, exports, output types, help, formats,
/// consistent parameter names, completers, and pipelines that bind.</summary>
public class ModuleSurfaceTests
{
    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var t in ModuleLayout.CmdletTypes) data.Add(t.Name);
        return data;
    }

    private static Type Cmdlet(string typeName) => ModuleLayout.CmdletTypes.Single(t => t.Name == typeName);

    [Fact]
    public void TheAssemblyHasCmdlets() => Assert.NotEmpty(ModuleLayout.CmdletTypes);

    [Theory, MemberData(nameof(Cmdlets))]
    public void UsesAnApprovedVerb(string typeName)
    {
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic),
                               typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetValue(null)!)
            .ToHashSet(StringComparer.Ordinal);
        var verb = ModuleLayout.Verb(Cmdlet(typeName));
        Assert.True(approved.Contains(verb), $"{typeName} uses the unapproved verb '{verb}'.");
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void IsExportedByTheManifest(string typeName) =>
        Assert.Contains(ModuleLayout.CmdletName(Cmdlet(typeName)), ModuleLayout.ManifestList("CmdletsToExport"));

    [Fact]
    public void TheManifestExportsOnlyExistingCmdletsAndNoWildcards()
    {
        var names = ModuleLayout.CmdletTypes.Select(ModuleLayout.CmdletName).ToHashSet();
        foreach (var exported in ModuleLayout.ManifestList("CmdletsToExport"))
        {
            Assert.DoesNotContain('*', exported);
            Assert.Contains(exported, names);
        }
        Assert.Empty(ModuleLayout.ManifestList("FunctionsToExport"));
        Assert.Empty(ModuleLayout.ManifestList("AliasesToExport"));
    }

    [Fact]
    public void TheManifestTargetsPowerShell76CoreAndNamesFilesThatExist()
    {
        Assert.Equal(["Core"], ModuleLayout.ManifestList("CompatiblePSEditions"));
        Assert.Equal("7.6", ModuleLayout.ManifestScalar("PowerShellVersion"));
        Assert.Equal("module/bin/" + ModuleLayout.CmdletAssembly.GetName().Name + ".dll", ModuleLayout.ManifestScalar("RootModule"));
        foreach (var file in ModuleLayout.ManifestList("FormatsToProcess").Concat(ModuleLayout.ManifestList("TypesToProcess")))
            Assert.True(File.Exists(Path.Combine(ModuleLayout.RepoRoot, file)), $"The manifest names {file}, which does not exist.");
    }

    [Fact]
    public void TheAssemblyVersionComesFromTheManifest()
    {
        var manifestVersion = Version.Parse(ModuleLayout.ManifestScalar("ModuleVersion")!);
        var assemblyVersion = ModuleLayout.CmdletAssembly.GetName().Version!;
        Assert.Equal(manifestVersion, new Version(assemblyVersion.Major, assemblyVersion.Minor, assemblyVersion.Build));
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void DeclaresItsOutputType(string typeName) =>
        Assert.NotEmpty(ModuleLayout.OutputTypes(Cmdlet(typeName)));

    [Theory, MemberData(nameof(Cmdlets))]
    public void HasHelpWithSynopsisEveryParameterAndTwoExamples(string typeName)
    {
        var type = Cmdlet(typeName);
        string name = ModuleLayout.CmdletName(type);
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10", maml = "http://schemas.microsoft.com/maml/2004/10";
        var entry = ModuleLayout.Help.Descendants(command + "command")
            .SingleOrDefault(c => (string?)c.Element(command + "details")?.Element(command + "name") == name);
        Assert.True(entry is not null, $"No MAML help for {name}.");
        Assert.False(string.IsNullOrWhiteSpace(entry!.Element(command + "details")!.Element(maml + "description")?.Value), $"{name} has no synopsis.");
        var documented = entry.Descendants(command + "parameter").Select(p => (string?)p.Element(maml + "name")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in ModuleLayout.Parameters(type))
            Assert.True(documented.Contains(p.Name), $"{name} -{p.Name} is not documented.");
        Assert.True(entry.Descendants(command + "example").Count() >= 2, $"{name} has fewer than two examples.");
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void EveryOutputTypeHasAFormatViewAlsoForItsDeserializedForm(string typeName)
    {
        var selected = ModuleLayout.Formats.Descendants("TypeName").Select(e => e.Value).ToHashSet();
        foreach (var output in ModuleLayout.OutputTypes(Cmdlet(typeName)))
        {
            if (FormattedByPowerShell.Contains(output)) continue;
            Assert.Contains(output.FullName!, selected);
            Assert.Contains("Deserialized." + output.FullName, selected);
        }
    }

    /// <summary>Types PowerShell's own format files already show (a -PassThru FileInfo); a view of ours would replace theirs.</summary>
    private static readonly HashSet<Type> FormattedByPowerShell = [typeof(FileInfo)];

    /// <summary>One name per concept across the module: a parameter meaning a space is -Space, never -SearchSpace, etc.</summary>
    [Fact]
    public void ParameterNamesAreConsistent()
    {
        var discouraged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["SearchSpace"] = "Space", ["Arch"] = "Architecture", ["Architectures"] = "Architecture", ["DataSet"] = "Dataset",
            ["RandomSeed"] = "Seed", ["Threads"] = "ThrottleLimit", ["MaxParams"] = "MaxParameters", ["Checkpoint"] = "CheckpointPath",
            ["MaxFLOPs"] = "MaxFlops", ["Batch"] = "InputBatch",
        };
        foreach (var type in ModuleLayout.CmdletTypes)
        foreach (var p in ModuleLayout.Parameters(type))
        {
            Assert.False(discouraged.TryGetValue(p.Name, out var preferred) && preferred != p.Name,
                $"{ModuleLayout.CmdletName(type)} -{p.Name} should be named -{preferred}.");
        }
    }

    [Fact]
    public void SpaceAndDatasetParametersCompleteTheirNames()
    {
        foreach (var type in ModuleLayout.CmdletTypes)
        foreach (var p in ModuleLayout.Parameters(type))
        {
            bool namesAChoice = p.Name is "Space" or "Dataset" || (type == typeof(NewSearchSpaceCommand) && p.Name == "Name");
            if (namesAChoice) Assert.True(p.GetCustomAttribute<ArgumentCompleterAttribute>() is not null, $"{ModuleLayout.CmdletName(type)} -{p.Name} has no argument completer.");
        }
    }

    [Fact]
    public void ProxyParametersCompleteProxyNames()
    {
        foreach (var type in ModuleLayout.CmdletTypes)
        foreach (var p in ModuleLayout.Parameters(type))
        {
            bool namesProxies = p.Name is "Proxy" or "SizeProxy" || (type == typeof(MeasureZeroCostProxyCommand) && p.Name == "Name");
            if (namesProxies)
                Assert.True(ModuleLayout.Attributes<ArgumentCompleterAttribute>(p).Any(a => (Type?)a.ConstructorArguments[0].Value == typeof(ProxyNameCompleter)),
                    $"{ModuleLayout.CmdletName(type)} -{p.Name} does not complete proxy names.");
        }
    }

    [Fact]
    public void PlotAndParetoPropertiesCompleteScorePropertyNames()
    {
        foreach (var type in new[] { typeof(SelectParetoFrontCommand), typeof(ExportNasPlotCommand) })
        foreach (var p in ModuleLayout.Parameters(type).Where(p => p.Name is "X" or "Y"))
            Assert.True(ModuleLayout.Attributes<ArgumentCompleterAttribute>(p).Any(a => (Type?)a.ConstructorArguments[0].Value == typeof(PropertyNameCompleter)),
                $"{ModuleLayout.CmdletName(type)} -{p.Name} does not complete property names.");
        var completions = new PropertyNameCompleter().Matches("Sed").ToList();
        Assert.Equal(["SedScore"], completions);
        Assert.Contains("LogSynflow", new PropertyNameCompleter().Matches("log"));
    }

    /// <summary>-WhatIf/-Confirm exactly on the cmdlets that write files: every Export-* cmdlet has them, and every cmdlet that
    /// has them takes the file it writes (-Path or -CheckpointPath).</summary>
    [Theory, MemberData(nameof(Cmdlets))]
    public void ShouldProcessExactlyOnFileWriters(string typeName)
    {
        var type = Cmdlet(typeName);
        bool supports = ModuleLayout.Attributes<CmdletAttribute>(type).Single().NamedArguments
            .Any(n => n.MemberName == nameof(CmdletAttribute.SupportsShouldProcess) && (bool)n.TypedValue.Value!);
        var names = ModuleLayout.Parameters(type).Select(p => p.Name).ToHashSet();
        if (ModuleLayout.Verb(type) == VerbsData.Export) Assert.True(supports, $"{ModuleLayout.CmdletName(type)} writes a file but has no -WhatIf.");
        if (supports) Assert.True(names.Contains("Path") || names.Contains("CheckpointPath"), $"{ModuleLayout.CmdletName(type)} has -WhatIf but names no file it writes.");
    }

    /// <summary>The about topics ship beside the cmdlet help, each starting with its TOPIC; the proxies topic covers every registered proxy.</summary>
    [Fact]
    public void AboutTopicsAreWellFormedAndTheProxyTopicCoversEveryProxy()
    {
        var folder = Path.Combine(ModuleLayout.RepoRoot, "module", "en-US");
        var topics = Directory.GetFiles(folder, "about_*.help.txt").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["about_NasPS.help.txt", "about_NasPS_Proxies.help.txt"], topics);
        foreach (var topic in topics)
        {
            var lines = File.ReadAllLines(Path.Combine(folder, topic!));
            Assert.Equal("TOPIC", lines[0]);
            Assert.Equal(topic!.Replace(".help.txt", ""), lines[1].Trim());
        }
        string proxies = File.ReadAllText(Path.Combine(folder, "about_NasPS_Proxies.help.txt"));
        foreach (var proxy in NasPS.Proxies.ZeroCostProxies.All)
        {
            var entry = System.Text.RegularExpressions.Regex.Match(proxies, $@"^    {System.Text.RegularExpressions.Regex.Escape(proxy.Name)}  \(.*; version (?<v>[^)]+)\)$", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(entry.Success, $"about_NasPS_Proxies has no entry for {proxy.Name}.");
            Assert.Equal(proxy.Version, entry.Groups["v"].Value);
        }
    }

    /// <summary>Each pipeline users write binds: the upstream cmdlet's output type feeds a pipeline parameter downstream.</summary>
    [Theory]
    [InlineData(typeof(NewSearchSpaceCommand), typeof(GetArchitectureCommand))]
    [InlineData(typeof(GetArchitectureCommand), typeof(GetArchitectureCommand))]
    [InlineData(typeof(GetArchitectureCommand), typeof(MeasureZeroCostProxyCommand))]
    [InlineData(typeof(MeasureZeroCostProxyCommand), typeof(MeasureSedScoreCommand))]
    [InlineData(typeof(MeasureSedScoreCommand), typeof(GetArchitectureCommand))]
    [InlineData(typeof(MeasureSedScoreCommand), typeof(SelectParetoFrontCommand))]
    [InlineData(typeof(SelectParetoFrontCommand), typeof(ExportNasPlotCommand))]
    [InlineData(typeof(GetArchitectureCommand), typeof(GetBenchmarkResultCommand))]
    [InlineData(typeof(InvokeFreeReaSearchCommand), typeof(ExportSearchResultCommand))]
    [InlineData(typeof(InvokeFreeReaSearchCommand), typeof(ExportNasPlotCommand))]
    public void UpstreamOutputBindsDownstream(Type upstream, Type downstream)
    {
        var outputs = ModuleLayout.OutputTypes(upstream);
        Assert.NotEmpty(outputs);
        foreach (var output in outputs)
        {
            // A PSObject parameter takes any object (PowerShell wraps it), keeping the user's added properties.
            bool byValue = ModuleLayout.Parameters(downstream).Any(p =>
                ModuleLayout.AnyParameterFlag(p, "ValueFromPipeline") && (p.PropertyType.IsAssignableFrom(output) || p.PropertyType == typeof(PSObject)));
            bool byName = ModuleLayout.Parameters(downstream).Any(p =>
                ModuleLayout.AnyParameterFlag(p, "ValueFromPipelineByPropertyName") &&
                Names(p).Any(n => output.GetProperty(n) is PropertyInfo source && Converts(source.PropertyType, p)));
            Assert.True(byValue || byName, $"{output.Name} from {ModuleLayout.CmdletName(upstream)} binds to no pipeline parameter of {ModuleLayout.CmdletName(downstream)}.");
        }
    }

    private static IEnumerable<string> Names(PropertyInfo p) =>
        new[] { p.Name }.Concat(ModuleLayout.Aliases(p));

    /// <summary>Whether a bound value of <paramref name="source"/> type reaches <paramref name="target"/>: directly, as an
    /// element of an array parameter, or through the parameter's transformation attribute.</summary>
    private static bool Converts(Type source, PropertyInfo target)
    {
        var t = target.PropertyType;
        var element = t.IsArray ? t.GetElementType()! : t;
        if (element.IsAssignableFrom(source) || (Nullable.GetUnderlyingType(element) ?? element).IsAssignableFrom(source)) return true;
        return ModuleLayout.Attributes<ArgumentTransformationAttribute>(target).Any() && source == typeof(string);
    }

    [Fact]
    public void AnArchitectureRecordBindsGetArchitectureByPropertyNameToTheSameArchitecture()
    {
        // Space (string) goes through the transformation to a SearchSpaceInfo, Architecture binds as a string.
        var record = ArchitectureRecord.Create(NasBench201Lookup(), NasBench201Lookup().FromIndex(9930), Dataset.Cifar10);
        var info = SearchSpaceTransformationAttribute.ToSpaceInfo(record.Space);
        Assert.Equal("NasBench201", info.Name);
        Assert.Equal(record.Architecture, info.Resolve().Parse(record.Architecture).Canonical);
    }

    private static ISearchSpace NasBench201Lookup() => SearchSpaces.Get("nb201");
}
