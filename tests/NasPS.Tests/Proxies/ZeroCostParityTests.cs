using System.Text.Json;
using NasPS.Compute;
using NasPS.Data;
using NasPS.Networks;
using NasPS.Networks.NasBench201;
using NasPS.Proxies;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Proxies;

/// <summary>
/// fisher, Zen-score, ZiCo, and grad_norm/snip in float64, against PyTorch (tests/reference/zc_proxy_fixtures.py) on the
/// same NB201 cells, counter-based weights and CIFAR-10 test images as <see cref="ProxyParityTests"/>.
/// </summary>
public class ZeroCostParityTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("proxies/zc_proxy_parity.json"))).RootElement);

    public static TheoryData<int> Cases() => ParityWeights.CaseNumbers(Fixture.Value);

    private static (JsonElement Case, TinyNetwork<float> Network) Load(int caseNumber) => ParityWeights.LoadCase(Fixture.Value, caseNumber);

    private static int Batch => Fixture.Value.GetProperty("batch").GetInt32();

    private static (Tensor<float> Images, int[] Labels) Data(int count)
    {
        var batch = Normalization.Cifar10.Apply(CifarReader.Read(SharedData.Path("cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10, 0, count));
        return (Tensors.FromArray<float>(batch.Pixels, batch.Shape), batch.Labels);
    }

    [Fact]
    public void FixtureCoversTheRequiredCells()
    {
        var indices = Fixture.Value.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()).ToList();
        Assert.True(indices.Count >= 6, $"{indices.Count} cells in the fixture; at least 6 are required.");
        Assert.Contains(1651, indices); // all none
        Assert.Contains(1835, indices); // all skip
        Assert.Contains(1462, indices); // all conv3x3
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradNormAndSnipMatchPyTorchInFloat64(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        var twin = new TinyNetwork<double>(network.Genome, 10, null);
        twin.CopyStateFrom(network);
        var (images, labels) = Data(Batch);
        var wide = Tensors.Convert<float, double>(images);
        AssertRelative(c.GetProperty("grad_norm_f64").GetDouble(), GradientScore.Compute(twin, wide, labels, GradientMeasure.GradNorm), 1e-9, "grad_norm (float64)");
        AssertRelative(c.GetProperty("snip_f64").GetDouble(), GradientScore.Compute(twin, wide, labels, GradientMeasure.Snip), 1e-9, "snip (float64)");
    }

    /// <summary>
    /// float32 grad_norm and snip are judged against the float64 value on the same weights: NasPS's float32 error may be
    /// at most <see cref="Float32ErrorFactor"/> times PyTorch's own float32 error, or 1e-3 relative. On all-conv3x3
    /// PyTorch's float32 grad_norm is itself 7.5e-4 from float64 (snip 4.2e-4): the gradient passes 17 train-mode BN
    /// backward steps with no identity path, each subtracting the batch means of g and g·x̂, and the cancellation
    /// amplifies rounding. NasPS's error is larger than PyTorch's on some mixed cells (2.9e-4 against 3e-7 on index
    /// 857) because its BatchNorm accumulates the per-channel sums (statistics, Σg, Σg·x̂) in float32, while PyTorch's
    /// CPU kernels accumulate float32 in double (acc_type): docs/proxy-results.md. float64 agrees to 1e-9.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32GradNormAndSnipErrorIsNoWorseThanPyTorchs(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        var (images, labels) = Data(Batch);
        foreach (var (measure, name) in new[] { (GradientMeasure.GradNorm, "grad_norm"), (GradientMeasure.Snip, "snip") })
        {
            double exact = c.GetProperty(name + "_f64").GetDouble(), torch = c.GetProperty(name).GetDouble();
            double ours = GradientScore.Compute(network, images, labels, measure);
            if (exact == 0)
            {
                Assert.Equal(0, ours);
                continue;
            }
            double torchError = Math.Abs(torch - exact) / exact, ourError = Math.Abs(ours - exact) / exact;
            Assert.True(ourError <= Math.Max(1e-3, Float32ErrorFactor * torchError),
                $"{name} float32: NasPS {ours:R} (error {ourError:E2}), PyTorch {torch:R} (error {torchError:E2}), float64 {exact:R}.");
        }
    }

    private const double Float32ErrorFactor = 3;

    [Theory]
    [MemberData(nameof(Cases))]
    public void FisherMatchesPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        var (images, labels) = Data(Batch);
        AssertRelative(c.GetProperty("fisher").GetDouble(), GradientScore.Compute(network, images, labels, GradientMeasure.Fisher), ProxyParityTests.Float32GradientTolerance, "fisher");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ZenScoreMatchesPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        int batch = Fixture.Value.GetProperty("zen_batch").GetInt32();
        ulong seed = c.GetProperty("arch_seed").GetUInt64();
        network.Train();
        // Two repeats on one network: the second also checks that the BN running statistics carry over.
        for (int r = 0; r < 2; r++)
        {
            using var scope = Tensors.NewScope();
            double zen = ZenScore.Compute(network, ParityWeights.UnitVariance($"zen.x.{r}", seed, batch, 3, 32, 32), ParityWeights.UnitVariance($"zen.epsilon.{r}", seed, batch, 3, 32, 32));
            var expected = c.GetProperty("zen")[r];
            if (expected.ValueKind == JsonValueKind.String) Assert.True(double.IsNegativeInfinity(zen), $"Zen repeat {r}: expected −∞ (equal feature maps), got {zen}.");
            // ln Δ: an absolute 1e-4 is a relative 1e-4 on Δ.
            else Assert.True(Math.Abs(zen - expected.GetDouble()) <= 1e-4, $"Zen repeat {r}: NasPS {zen:R}, PyTorch {expected.GetDouble():R}.");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ZicoMatchesPyTorch(int caseNumber)
    {
        var (c, network) = Load(caseNumber);
        using var scope = Tensors.NewScope();
        var (images, labels) = Data(2 * Batch);
        int perBatch = images.Length / 2;
        var batches = Enumerable.Range(0, 2)
            .Select(b => (Tensors.FromArray<float>(images.ReadOnlySpan.Slice(b * perBatch, perBatch), Batch, 3, 32, 32), labels[(b * Batch)..((b + 1) * Batch)]))
            .ToList();
        // ZiCo is ill-conditioned in float32: with 2 batches σ_w = |g₁ − g₂| / 2, and the weights where g₁ ≈ g₂ dominate
        // Σ mean|g| / σ, amplifying rounding. PyTorch's own float32 ZiCo is 2.2e-3 (index 9) and 6.7e-3 (all-conv3x3)
        // from its float64 value on the same weights; NasPS's float32 BN sums add to it (largest measured gap 1.5e-2,
        // index 857; docs/proxy-results.md).
        AssertRelative(c.GetProperty("zico").GetDouble(), ZicoScore.Compute(network, batches), 2.5e-2, "ZiCo");
    }

    private static void AssertRelative(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rtol * Math.Abs(expected) || actual == expected,
            $"{what}: NasPS {actual:R}, PyTorch {expected:R} (relative difference {Math.Abs(actual - expected) / Math.Abs(expected):E2}, allowed {rtol:E0}).");
}
