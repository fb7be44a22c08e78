using System.Text.Json;
using NasPS.Cli;
using NasPS.Compute;
using NasPS.IO;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Cli;

/// <summary>
/// `nasps weights` and `nasps score --weights` against PyTorch (tests/reference/weights_fixtures.py): the file carries
/// exactly the state_dict names, shapes and dtypes of the official-named NB201 network, PyTorch loads the committed
/// NasPS-written file with strict=True, and both score it the same.
/// </summary>
public class WeightsCommandTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("proxies/weights_parity.json"))).RootElement);

    private static string CommittedWeights => SharedData.Fixture("proxies/" + Fixture.Value.GetProperty("weights_file").GetString());

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (NaspsCli.Run(args, output, error), output.ToString(), error.ToString());
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"nasps-weights-{Guid.NewGuid():N}.safetensors");

    public static TheoryData<int> NameCases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Fixture.Value.GetProperty("names").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(NameCases))]
    public void WeightsFileHasTheOfficialStateDictNamesShapesAndDtypes(int caseNumber)
    {
        var c = Fixture.Value.GetProperty("names")[caseNumber];
        string path = TempFile();
        try
        {
            var (code, _, err) = Run("weights", "--space", "nb201", "--arch", c.GetProperty("arch").GetString()!, "--seed", "3", "--init", "pytorch-default", "--out", path);
            Assert.True(code == 0, err);
            var written = SafeTensors.Read(path).Values.ToDictionary(e => e.Name, e => $"{e.DType} [{string.Join(",", e.Shape)}]");
            var expected = c.GetProperty("tensors").EnumerateArray().ToDictionary(
                t => t[0].GetString()!, t => $"{t[2].GetString()} [{string.Join(",", t[1].EnumerateArray().Select(d => d.GetInt32()))}]");
            Assert.Equal(expected.OrderBy(p => p.Key), written.OrderBy(p => p.Key));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CommittedFixtureFileIsExactlyWhatNaspsWrites()
    {
        string arch = NasBench201Space.Instance.FromIndex(Fixture.Value.GetProperty("weights_index").GetInt32()).Canonical;
        string path = TempFile();
        try
        {
            var (code, _, err) = Run("weights", "--space", "nb201", "--arch", arch, "--seed", "7", "--init", "kaiming-fan-out", "--out", path);
            Assert.True(code == 0, err);
            Assert.Equal(File.ReadAllBytes(CommittedWeights), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ScoringGivenWeightsMatchesPyTorchOnTheSameFile()
    {
        string arch = NasBench201Space.Instance.FromIndex(Fixture.Value.GetProperty("weights_index").GetInt32()).Canonical;
        var (code, text, err) = Run("score", "--space", "nb201", "--arch", arch, "--proxy", "logsynflow,synflow,grad_norm", "--weights", CommittedWeights,
            "--data", SharedData.Path("cifar10/test_batch_first1017.bin"), "--start", "0", "--count", Fixture.Value.GetProperty("grad_norm_batch").GetInt32().ToString(), "--format", "csv");
        Assert.True(code == 0, err);
        var table = CsvTable.Parse(new StringReader(text), "out");
        AssertRelative(Fixture.Value.GetProperty("logsynflow").GetDouble(), table.Double(0, table.Header.ToList().IndexOf("logsynflow"))!.Value, 1e-12, "logsynflow");
        AssertRelative(Fixture.Value.GetProperty("synflow").GetDouble(), table.Double(0, table.Header.ToList().IndexOf("synflow"))!.Value, 1e-12, "synflow");
        AssertRelative(Fixture.Value.GetProperty("grad_norm").GetDouble(), table.Double(0, table.Header.ToList().IndexOf("grad_norm"))!.Value, 1e-4, "grad_norm");
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedNamingTheFile()
    {
        var (code, _, err) = Run("score", "--space", "nb201", "--index", "1462", "--proxy", "synflow", "--weights", CommittedWeights);
        Assert.Equal(1, code);
        Assert.Contains(Path.GetFileName(CommittedWeights), err);
        Assert.Contains("missing", err);
    }

    [Theory]
    [InlineData(new[] { "weights", "--space", "nb201", "--arch", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "--seed", "1", "--out", "x.safetensors" }, "--init is required")]
    [InlineData(new[] { "weights", "--space", "nb201", "--arch", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "--seed", "1", "--init", "xavier", "--out", "x.safetensors" }, "Unknown --init 'xavier'")]
    [InlineData(new[] { "weights", "--space", "nb201", "--seed", "1", "--init", "normal", "--out", "x.safetensors" }, "--arch is required")]
    public void WeightsUsageErrorsSayWhy(string[] args, string expected)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    private static void AssertRelative(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rtol * Math.Abs(expected), $"{what}: NasPS {actual:R}, PyTorch {expected:R}.");
}
