using System.Reflection;
using System.Text.Json;
using NasPS.Cli;
using NasPS.Cmdlets;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using Xunit;

namespace NasPS.Tests.HybridEdge;

/// <summary>New-SearchSpace HybridEdge -Resolution/-Classes (its logic and parameter surface) and the CLI equivalents.</summary>
public class HybridEdgeFrontEndTests
{
    private const string Arch = "stem16|mb3:d1:w16:e2|mb3:d1:w32:e2|attn:d1:w64:e2:h2:m2|attn:d1:w96:e2:h2:m2|head512";

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (NaspsCli.Run(args, output, error), output.ToString(), error.ToString());
    }

    [Fact]
    public void SpaceInfo_CarriesResolutionAndClasses_AndResolvesToThatSetting()
    {
        var info = SearchSpaceInfo.From(new NewSearchSpaceCommand { Resolution = 112, Classes = 10 }.Settings());
        Assert.Equal(("HybridEdge", 112, 10), (info.Name, info.Resolution, info.Classes));
        var space = Assert.IsType<HybridEdgeSpace>(info.Resolve());
        Assert.Equal((112, 10), (space.Resolution, space.Classes));
        Assert.Equal((224, 1000), (new NewSearchSpaceCommand { }.Settings().Resolution, new NewSearchSpaceCommand { }.Settings().Classes));
        Assert.Null(SearchSpaceInfo.From(SearchSpaces.Get("nb201")).Resolution);
        var e = Assert.Throws<ArgumentException>(() => new SearchSpaceInfo { Name = "NasBench201", Description = "", Resolution = 64 }.Resolve());
        Assert.Contains("HybridEdge", e.Message);
    }

    [Fact]
    public void NewSearchSpace_DeclaresRangeCheckedResolutionAndClasses()
    {
        foreach (var (name, min, max) in new[] { ("Resolution", HybridEdgeSpace.MinResolution, 4096), ("Classes", 1, 1_000_000) })
        {
            var property = typeof(NewSearchSpaceCommand).GetProperty(name)!;
            Assert.Equal(typeof(int?), property.PropertyType);
            var range = property.CustomAttributes.Single(a => a.AttributeType.Name == "ValidateRangeAttribute");
            Assert.Equal(new object[] { min, max }, range.ConstructorArguments.Select(a => a.Value).ToArray());
            Assert.Contains(property.CustomAttributes, a => a.AttributeType.Name == "ParameterAttribute");
        }
    }

    [Fact]
    public void Cli_ArchsTakesResolutionAndClasses_ForHybridEdgeOnly()
    {
        var (code, text, err) = Run("archs", "--space", "hybrid", "--arch", Arch, "--resolution", "112", "--classes", "10", "--format", "json");
        Assert.True(code == 0, err);
        var record = JsonDocument.Parse(text).RootElement[0];
        var expected = HybridEdgeCost.Of(HybridEdgeSpace.With(112, 10).Parse(Arch));
        Assert.Equal(expected.Parameters, record.GetProperty("params").GetInt64());
        Assert.Equal(expected.Macs, record.GetProperty("flops").GetInt64());

        var wrong = Run("archs", "--space", "nb201", "--index", "0", "--resolution", "64");
        Assert.Equal(2, wrong.Code);
        Assert.Contains("HybridEdge", wrong.Err);
    }

    [Fact]
    public void Cli_ExportWritesDescriptionAndWeights()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nasps-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, text, err) = Run("export", "--arch", Arch, "--resolution", "64", "--classes", "10", "--seed", "3", "--out", Path.Combine(dir, "m"));
            Assert.True(code == 0, err);
            var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "m.json"))).RootElement;
            Assert.Equal(Arch, description.GetProperty("architecture").GetString());
            Assert.Equal(64, description.GetProperty("resolution").GetInt32());
            Assert.True(File.Exists(Path.Combine(dir, "m.safetensors")));
            var bad = Run("export", "--arch", "stem16|nope", "--out", Path.Combine(dir, "x"));
            Assert.Equal(1, bad.Code);
            Assert.Contains("token", bad.Err);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
