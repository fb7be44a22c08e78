using System.Text.Json;
using NasPS.Compute;
using NasPS.Data;
using NasPS.Networks;
using NasPS.Networks.NasBench201;
using NasPS.Proxies;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Proxies;

/// <summary>
/// NasPS's proxies against a PyTorch reference (tests/reference/proxy_fixtures.py) on identical weights and inputs, for
/// eight NAS-Bench-201 cells including all-none, all-skip and all-conv3x3. Agreement expected per spec §1.8: the
/// float64 Synflow family to ~1e-12 relative; NASWOT to 1e-6 relative (sign flips of float32 pre-activations); SWAP
/// within a few counts.
/// </summary>
public class ProxyParityTests
{
    /// <summary>float32 gradient proxies (grad_norm, snip, fisher): see GradientProxiesMatchPyTorch.</summary>
    internal const double Float32GradientTolerance = 5e-3;

    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("proxies/proxy_parity.json"))).RootElement);

    public static TheoryData<int> Cases() => ParityWeights.CaseNumbers(Fixture.Value);

    private static (JsonElement Case, TinyNetwork<float> Network) Load(int caseNumber)
    {
        var (c, network) = ParityWeights.LoadCase(Fixture.Value, caseNumber);
        ParityWeights.AssertAbsSums(network, c); // the generators agree
        return (c, network);
    }

    private static Tensor<float> Images(int count)
    {
        var batch = Normalization.Cifar10.Apply(CifarReader.Read(SharedData.Path("cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10, 0, count));
        return Tensors.FromArray<float>(batch.Pixels, batch.Shape);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SynflowFamilyMatchesPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        var twin = new TinyNetwork<double>(network.Genome, 10, null);
        twin.CopyStateFrom(network);
        var terms = SynflowScore.Compute(twin, 32);
        AssertRelative(c.GetProperty("logsynflow").GetDouble(), terms.LogSynflow, 1e-12, "LogSynflow");
        AssertRelative(c.GetProperty("logsynflow_eps").GetDouble(), terms.LogSynflowEpsilon, 1e-12, "LogSynflow ε");
        AssertRelative(c.GetProperty("synflow").GetDouble(), terms.Synflow, 1e-12, "Synflow");
        if (network.Genome.IsDisconnected) Assert.Equal(0.0, terms.LogSynflow);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NaswotMatchesPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        var images = Images(Fixture.Value.GetProperty("naswot_batch").GetInt32());
        var (logDet, units) = NaswotScore.Compute(network, images, PatternHooks.ReluOutputs);
        Assert.Equal(c.GetProperty("naswot_units").GetInt64(), units);
        AssertNaswot(c.GetProperty("naswot_relu_outputs"), logDet, "NASWOT (ReLU outputs)");
        var (official, officialUnits) = NaswotScore.Compute(network, images, PatternHooks.ReluNamedInputs);
        Assert.Equal(c.GetProperty("naswot_official_units").GetInt64(), officialUnits);
        AssertNaswot(c.GetProperty("naswot_official_filter"), official, "NASWOT (official *ReLU* filter)");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SwapMatchesPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        long count = SwapScore.Count(network, Images(Fixture.Value.GetProperty("swap_samples").GetInt32()));
        long expected = c.GetProperty("swap").GetInt64();
        Assert.True(Math.Abs(count - expected) <= 5, $"SWAP: NasPS {count}, PyTorch {expected}.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientProxiesMatchPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        int batch = Fixture.Value.GetProperty("naswot_batch").GetInt32();
        var images = Images(batch);
        var labels = CifarReader.Read(SharedData.Path("cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10, 0, batch).Labels;
        // Two float32 codes agree to 1e-4 on most cells but 1.4e-3 on all-conv3x3, where PyTorch's own float32 value is
        // 7.5e-4 (grad_norm) from float64: float32 rounding, not a definition difference. ZeroCostParityTests checks
        // float64 to 1e-9 and NasPS's float32 error against PyTorch's; this bound only has to cover the two errors.
        AssertRelative(c.GetProperty("grad_norm").GetDouble(), GradientScore.Compute(network, images, labels, GradientMeasure.GradNorm), Float32GradientTolerance, "grad_norm");
        AssertRelative(c.GetProperty("snip").GetDouble(), GradientScore.Compute(network, images, labels, GradientMeasure.Snip), Float32GradientTolerance, "snip");
        double jacobCov = GradientScore.Compute(network, images, labels, GradientMeasure.JacobCov);
        var expected = c.GetProperty("jacob_cov");
        if (expected.ValueKind == JsonValueKind.String) Assert.True(double.IsNaN(jacobCov), $"jacob_cov: expected NaN (constant input gradient), got {jacobCov}.");
        else AssertRelative(expected.GetDouble(), jacobCov, 1e-3, "jacob_cov");
    }

    private static void AssertNaswot(JsonElement expected, double actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.String)
        {
            Assert.Equal("-inf", expected.GetString());
            Assert.True(double.IsNegativeInfinity(actual), $"{what}: expected −∞ (singular kernel), got {actual}.");
            return;
        }
        AssertRelative(expected.GetDouble(), actual, 1e-6, what);
    }

    private static void AssertRelative(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rtol * Math.Abs(expected) || actual == expected,
            $"{what}: NasPS {actual:R}, PyTorch {expected:R} (relative difference {Math.Abs(actual - expected) / Math.Abs(expected):E2}, allowed {rtol:E0}).");
}
