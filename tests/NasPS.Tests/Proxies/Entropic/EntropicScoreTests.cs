using System.Text.Json;
using NasPS.Compute;
using NasPS.Data;
using NasPS.Networks;
using NasPS.Networks.NasBench201;
using NasPS.Proxies;
using NasPS.Proxies.Entropic;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;
using Xunit;

namespace NasPS.Tests.Proxies.Entropic;

public class EntropicScoreTests
{
    private const string AllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
    private const string AllSkip = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";
    private const string AllConv3x3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    private static JsonElement Expected() =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("entropic/expected.json"))).RootElement;

    private static ImageBatch FixtureInput()
    {
        var entry = SafeTensors.Read(SharedData.Fixture("entropic/input.safetensors"))["input"];
        var pixels = new float[entry.ElementCount];
        entry.CopyTo<float>(pixels);
        return new ImageBatch(pixels, Enumerable.Repeat(-1, entry.Shape[0]).ToArray(), entry.Shape[1], entry.Shape[2], entry.Shape[3], "fixture noise");
    }

    private static TinyNetwork<T> FixtureNetwork<T>(JsonElement expected, string label) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var genome = NasBench201Space.Instance.Parse(expected.GetProperty("archs").GetProperty(label).GetProperty("arch").GetString()!);
        var network = new TinyNetwork<T>(genome, 10, rng: null, channels: expected.GetProperty("channels").GetInt32(),
            cellsPerStage: expected.GetProperty("cells_per_stage").GetInt32());
        network.LoadSafeTensors(SharedData.Fixture($"entropic/{label}_weights.safetensors"));
        return network;
    }

    public static TheoryData<string> FixtureLabels => new() { "none", "skip", "conv3x3", "mixed", "pool" };

    [Theory]
    [MemberData(nameof(FixtureLabels))]
    public void LayerStatisticsMatchPyTorchInFloat64(string label)
    {
        var expected = Expected();
        double epsilon = expected.GetProperty("epsilon").GetDouble();
        var layers = EntropicScore.Measure(FixtureNetwork<double>(expected, label), FixtureInput(), epsilon);
        var reference = expected.GetProperty("archs").GetProperty(label).GetProperty("layers").EnumerateArray().ToList();

        Assert.Equal(reference.Select(r => r.GetProperty("name").GetString()), layers.Select(l => l.Name));
        for (int i = 0; i < layers.Count; i++)
        {
            var (r, l) = (reference[i], layers[i]);
            Assert.Equal(r.GetProperty("elements").GetInt32(), l.Elements);
            AssertClose(r.GetProperty("bernoulli").GetDouble(), l.MeanBernoulli, 1e-12, l.Name);
            AssertClose(r.GetProperty("gaussian").GetDouble(), l.MeanGaussian, 1e-9, l.Name);
            AssertClose(r.GetProperty("constant").GetDouble(), l.ConstantFraction, 1e-12, l.Name);
            AssertClose(r.GetProperty("variance").GetDouble(), l.LayerVariance, 1e-9, l.Name);
            AssertClose(r.GetProperty("on").GetDouble(), l.OnFraction, 1e-12, l.Name);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureLabels))]
    public void ScoreOfTheFloat32ForwardMatchesTheFloat64Reference(string label)
    {
        // The proxy runs the network in float32: an activation within rounding of 0 can change its on/off state, so the
        // score agrees with the float64 reference to a tolerance rather than exactly.
        var expected = Expected();
        double epsilon = expected.GetProperty("epsilon").GetDouble();
        var options = new EntropicOptions { Epsilon = epsilon };
        double reference = ReferenceScore(expected.GetProperty("archs").GetProperty(label).GetProperty("layers"));
        double measured = EntropicScore.Aggregate(EntropicScore.Measure(FixtureNetwork<float>(expected, label), FixtureInput(), epsilon), options);
        Assert.True(Math.Abs(reference - measured) <= 1e-3 * Math.Max(1, Math.Abs(reference)), $"{label}: {measured} vs PyTorch {reference}");
    }

    /// <summary>The frozen definition written out independently: Σ over layers of H_b(on-fraction) − mean element-wise H_b.</summary>
    private static double ReferenceScore(JsonElement layers)
    {
        double score = 0;
        foreach (var layer in layers.EnumerateArray())
        {
            double p = layer.GetProperty("on").GetDouble();
            double pooled = p is <= 0 or >= 1 ? 0 : -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));
            score += pooled - layer.GetProperty("bernoulli").GetDouble();
        }
        return score;
    }

    [Fact]
    public void FixtureScoresOrderAsTheDefinitionImplies()
    {
        var expected = Expected();
        double Score(string label) => ReferenceScore(expected.GetProperty("archs").GetProperty(label).GetProperty("layers"));
        // All-none: every hooked layer is identically zero, so every layer's information is exactly 0.
        Assert.Equal(0, Score("none"));
        Assert.True(Score("skip") > 0);
        Assert.True(Score("conv3x3") > Score("skip"));
    }

    [Fact]
    public void UnitInformationIsNonNegativeAndZeroForADeadLayer()
    {
        var layers = EntropicScore.Measure(FixtureNetwork<double>(Expected(), "mixed"), FixtureInput(), 1e-5);
        foreach (var l in layers)
        {
            Assert.True(l.UnitInformation(EntropyEstimator.Bernoulli) >= -1e-12, l.Name);
            Assert.True(l.UnitInformation(EntropyEstimator.Gaussian) >= -1e-12, l.Name);
        }
        var dead = new LayerEntropy("dead", 10, 0, ActivationEntropyRecorder<double>.GaussianEntropy(0, 1e-5), 1, 0, 0, 1e-5);
        Assert.Equal(0, dead.UnitInformation(EntropyEstimator.Bernoulli));
        Assert.Equal(0, dead.UnitInformation(EntropyEstimator.Gaussian), 12);
    }

    [Fact]
    public void CountsOnlyRecordingGivesTheSameBernoulliStatistics()
    {
        // The proxy skips the Gaussian moments for the Bernoulli definition; the on-counts must not change.
        var expected = Expected();
        var full = EntropicScore.Measure(FixtureNetwork<float>(expected, "mixed"), FixtureInput(), 1e-5, moments: true);
        var counts = EntropicScore.Measure(FixtureNetwork<float>(expected, "mixed"), FixtureInput(), 1e-5, moments: false);
        Assert.Equal(full.Select(l => (l.Name, l.MeanBernoulli, l.OnFraction)), counts.Select(l => (l.Name, l.MeanBernoulli, l.OnFraction)));
        Assert.All(counts, l => Assert.True(double.IsNaN(l.MeanGaussian)));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(64)]
    [InlineData(5000)]
    public void OnCountsOfAHandMadeActivationMatchADirectCount(int elements)
    {
        // Sizes that leave a remainder after whole SIMD vectors (and 7: no whole vector at all), one of whole vectors only,
        // and one spanning several count blocks with a partial last block.
        const int batch = 3;
        var pixels = new float[batch * elements];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (i * 7 % 5) - 2f; // −2..2, zeros included
        var input = new ImageBatch(pixels, new int[batch], 1, 1, elements, "hand-made");
        var network = new NasPS.Networks.Layers.Sequential<float>(new NasPS.Networks.Layers.ReLU<float>());
        foreach (bool moments in new[] { false, true })
        {
            var layer = Assert.Single(EntropicScore.Measure(network, input, 1e-5, moments));
            double expectedBernoulli = 0;
            long on = 0;
            for (int e = 0; e < elements; e++)
            {
                int k = 0;
                for (int n = 0; n < batch; n++) k += pixels[n * elements + e] > 0 ? 1 : 0;
                expectedBernoulli += ActivationEntropyRecorder<float>.BinaryEntropy(k / (double)batch);
                on += k;
            }
            Assert.Equal(expectedBernoulli / elements, layer.MeanBernoulli, 14);
            Assert.Equal(on / (double)(batch * elements), layer.OnFraction, 14);
        }
    }

    [Fact]
    public void BinaryEntropyHandWorkedValues()
    {
        Assert.Equal(0, ActivationEntropyRecorder<double>.BinaryEntropy(0));
        Assert.Equal(0, ActivationEntropyRecorder<double>.BinaryEntropy(1));
        Assert.Equal(Math.Log(2), ActivationEntropyRecorder<double>.BinaryEntropy(0.5), 15);
        Assert.Equal(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), ActivationEntropyRecorder<double>.BinaryEntropy(0.25), 15);
    }

    [Fact]
    public void RecorderHooksEveryReLUOfTheBenchmarkNetwork()
    {
        // All-conv3x3: 6 conv edges × 15 cells + 2 ReLUs in each of the 2 reduction blocks + the final ReLU.
        var network = TinyNetwork<float>.ForDataset(NasBench201Space.Instance.Parse(AllConv3x3), Dataset.Cifar10, rng: null);
        using var recorder = new ActivationEntropyRecorder<float>(network);
        Assert.Equal(6 * 15 + 4 + 1, recorder.HookedModules);
    }

    [Fact]
    public void SameSeedSameScoreAndTheSeedMatters()
    {
        var proxy = new EntropicScore();
        var genome = NasBench201Space.Instance.Parse(AllConv3x3);
        var first = proxy.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 3 });
        var again = proxy.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 3 });
        var other = proxy.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 4 });
        Assert.Equal(first.Value, again.Value);
        Assert.NotEqual(first.Value, other.Value);
        Assert.Equal("entropic", first.Proxy);
        Assert.Contains("UnitInformation (Bernoulli)", first.Protocol);
        Assert.Contains("seed 3", first.Protocol);
    }

    [Fact]
    public void InitialisesThroughProxyNetworksInitialize()
    {
        // Version 1.1: one place for initialisation. The score must equal the one of a network initialised by
        // ProxyNetworks.Initialize (FreeREA's Kaiming fan_out) from the context seed, on the seed's noise batch.
        var genome = NasBench201Space.Instance.Parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
        var proxy = new EntropicScore();
        var network = ProxyNetworks.Build<float>(genome, 10);
        ProxyNetworks.Initialize(network, WeightInit.KaimingNormalFanOut, new NasPS.Randomness.Rng(5));
        double expected = EntropicScore.Aggregate(EntropicScore.Measure(network, Batches.Gaussian(16, 3, 8, 8, 5), 1e-5), proxy.Options);
        var result = proxy.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 5 });
        Assert.Equal(expected, result.Value);
        Assert.Equal("1.2", result.Version);
        Assert.Contains(ProxyNetworks.Describe(WeightInit.KaimingNormalFanOut), result.Protocol);
    }

    [Fact]
    public void MeasurePutsAnEvalModeNetworkInTrainMode()
    {
        // The recorder's walk tells Measure whether a second walk (Train) is needed; a network left in eval mode — even
        // in one module — must still be measured with batch statistics.
        var expected = Expected();
        var reference = EntropicScore.Measure(FixtureNetwork<float>(expected, "mixed"), FixtureInput(), 1e-5);
        var network = FixtureNetwork<float>(expected, "mixed");
        network.Modules().OfType<NasPS.Networks.Layers.BatchNorm2d<float>>().Last().Eval();
        var measured = EntropicScore.Measure(network, FixtureInput(), 1e-5);
        Assert.All(network.Modules(), m => Assert.True(m.IsTraining));
        Assert.Equal(reference.Select(l => (l.Name, l.MeanBernoulli, l.OnFraction)), measured.Select(l => (l.Name, l.MeanBernoulli, l.OnFraction)));
    }

    [Fact]
    public void NoiseProtocolIgnoresAContextBatch()
    {
        var proxy = new EntropicScore();
        var genome = NasBench201Space.Instance.Parse(AllSkip);
        var images = Batches.Gaussian(4, 3, 32, 32, seed: 99);
        double without = proxy.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 2 }).Value;
        double with = proxy.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 2, Input = images }).Value;
        Assert.Equal(without, with);
        var imageProtocol = new EntropicScore(new EntropicOptions { Input = EntropicInput.Images });
        Assert.True(imageProtocol.NeedsInput);
        Assert.Throws<ArgumentException>(() => imageProtocol.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 2 }));
        Assert.True(double.IsFinite(imageProtocol.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 2, Input = images }).Value));
    }

    [Fact]
    public void DisconnectedCellScoresZeroAndBelowConnectedOnes()
    {
        var proxy = new EntropicScore();
        double Score(string arch) => proxy.Score(NasBench201Space.Instance.Parse(arch), new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1 }).Value;
        double none = Score(AllNone), skip = Score(AllSkip), conv = Score(AllConv3x3);
        Assert.Equal(0, none);
        Assert.True(skip > none);
        Assert.True(conv > skip);
    }

    [Fact]
    public void RegisteredUnderItsName()
    {
        Assert.True(ZeroCostProxies.TryGet("entropic", out var proxy));
        Assert.IsType<EntropicScore>(proxy);
        Assert.False(proxy.NeedsInput);
        Assert.True(proxy.Supports(NasBench201Space.Instance.Parse(AllSkip)));
        Assert.True(proxy.Supports(NatsSizeSpace.Instance.FromIndex(0)));
    }

    [Fact]
    public void ScoresANatsSizeNetwork()
    {
        // The widest configuration has live ReLUs everywhere: a positive, finite score.
        var widest = NatsSizeSpace.Instance.Parse("64:64:64:64:64");
        var result = new EntropicScore().Score(widest, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1 });
        Assert.True(result.IsFinite && result.Value > 0, result.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: {actual} vs PyTorch {expected}");
}
