using NasPS.Data;
using NasPS.Networks.NasBench201;
using NasPS.Networks.NatsSize;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench101;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;
using Xunit;

namespace NasPS.Tests.Proxies;

public class ProxyProtocolTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;

    private static ImageBatch Cifar(int count) =>
        Normalization.Cifar10.Apply(CifarReader.Read(SharedData.Path("cifar10/test_batch_first1017.bin"), CifarFormat.Cifar10, 0, count));

    [Fact]
    public void EveryProxyOfThisAreaIsRegisteredUnderItsName()
    {
        foreach (var name in new[] { "logsynflow", "logsynflow-eps", "synflow", "naswot", "naswot-official", "swap", "swap-reg", "skip", "params", "flops", "grad_norm", "snip", "jacob_cov", "fisher", "zen", "zico" })
            Assert.Equal(name, ZeroCostProxies.Get(name.ToUpperInvariant()).Name);
    }

    [Fact]
    public void SkipMetricValuesOfTheSpec()
    {
        var context = new ProxyContext { Dataset = Dataset.Cifar10 };
        var skip = ZeroCostProxies.Get("skip");
        double[] expected = [1.0 / 3, 1.0, 0.0, 2.0, 2.0 / 3];
        int[] indices = [0, 1, 2, 6111, 1835];
        for (int k = 0; k < indices.Length; k++)
            Assert.Equal(expected[k], skip.Score(Space.FromIndex(indices[k]), context).Value, 12);
        Assert.False(skip.Supports(NatsSizeSpace.Instance.FromIndex(0)));
    }

    [Fact]
    public void SkipMetricOfNb101CellsIsTheMeanJumpOverNonAdjacentEdges()
    {
        var context = new ProxyContext { Dataset = Dataset.Cifar10 };
        var skip = ZeroCostProxies.Get("skip");
        // Edges 0→2 (jump 1) and 1→3 (jump 1); the adjacent edges jump nothing and do not count.
        Assert.Equal(1.0, skip.Score(NasBench101Space.Instance.Parse("input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2"), context).Value, 12);
        // 0→3 jumps 2, 1→3 jumps 1: mean 1.5.
        Assert.Equal(1.5, skip.Score(NasBench101Space.Instance.Parse("input;conv3x3-bn-relu:0;maxpool3x3:1;output:0,1,2"), context).Value, 12);
        Assert.Equal(0.0, skip.Score(NasBench101Space.Instance.Parse("input;conv3x3-bn-relu:0;output:1"), context).Value, 12);
    }

    [Fact]
    public void ParamsAndFlopsProxiesAreTheSpaceCounts()
    {
        var genome = Space.FromIndex(0);
        Assert.Equal(129_306, ZeroCostProxies.Get("params").Score(genome, new ProxyContext { Dataset = Dataset.Cifar10 }).Value);
        Assert.Equal(136_456, ZeroCostProxies.Get("params").Score(genome, new ProxyContext { Dataset = Dataset.ImageNet16_120 }).Value);
        Assert.Equal(3_919_480, ZeroCostProxies.Get("flops").Score(genome, new ProxyContext { Dataset = Dataset.ImageNet16_120 }).Value);
    }

    [Fact]
    public void SameSeedSameScoreAndTheSeedMatters()
    {
        var genome = Space.FromIndex(1835); // all skip: cheap
        var naswot = NaswotProxy.FreeRea(batch: 8, repeats: 2);
        var input = Cifar(8);
        ProxyResult Run(IZeroCostProxy p, ulong seed) => p.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = input, Seed = seed });
        Assert.Equal(Run(naswot, 11).Value, Run(naswot, 11).Value);
        Assert.NotEqual(Run(naswot, 11).Value, Run(naswot, 12).Value);
        var logSynflow = new SynflowProxy(SynflowVariant.LogSynflow, repeats: 1);
        Assert.Equal(Run(logSynflow, 11).Value, Run(logSynflow, 11).Value);
        Assert.NotEqual(Run(logSynflow, 11).Value, Run(logSynflow, 12).Value);
        var swap = new SwapProxy(regularised: false, samples: 8, repeats: 2);
        Assert.Equal(Run(swap, 11).Value, Run(swap, 11).Value);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void RepeatsSideBySideScoreWhatRepeatsInTurnScore(int repeats)
    {
        // LogSynflow evaluates its inits two at a time when the thread may use two cores; the inits are still drawn
        // in repeat order from one generator, so every repeat, and the mean, is the same bit for bit.
        var genome = Space.Parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|");
        var proxy = new SynflowProxy(SynflowVariant.LogSynflow, repeats: repeats);
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 21 };
        double inTurn;
        using (NasPS.Compute.Kernels.Parallelism.Limit(1)) inTurn = proxy.Score(genome, context).Value;
        int saved = NasPS.Compute.Kernels.Parallelism.Degree;
        try
        {
            NasPS.Compute.Kernels.Parallelism.Degree = Math.Max(2, saved);
            Assert.Equal(inTurn, proxy.Score(genome, context).Value);
            var terms = proxy.ScoreTerms(genome, context);
            Assert.Equal(inTurn, terms.LogSynflow);
            Assert.True(terms.Synflow > 0 && terms.LogSynflowEpsilon > 0);
        }
        finally
        {
            NasPS.Compute.Kernels.Parallelism.Degree = saved;
        }
    }

    [Fact]
    public void TheContextsRepeatsReplaceTheProtocolsCountAndAreRecorded()
    {
        var genome = Space.FromIndex(1835);
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 9 };
        var once = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 9, Repeats = 1 };
        var logSynflow = ZeroCostProxies.Get("logsynflow");
        var overridden = logSynflow.Score(genome, once);
        Assert.Equal(new SynflowProxy(SynflowVariant.LogSynflow, repeats: 1).Score(genome, context).Value, overridden.Value);
        Assert.Contains("mean of 1 init(s)", overridden.Protocol);
        Assert.Contains("mean of 3 init(s)", logSynflow.Score(genome, context).Protocol);
        var entropic = ZeroCostProxies.Get("entropic");
        Assert.NotEqual(entropic.Score(genome, context).Value, entropic.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 9, Repeats = 2 }).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProxyContext { Dataset = Dataset.Cifar10, Repeats = 0 });
    }

    [Fact]
    public void ACancelledScoreStopsWithoutScoringSideBySideOrInTurn()
    {
        var genome = Space.FromIndex(1835);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Cancellation = cancelled.Token };
        var proxy = new SynflowProxy(SynflowVariant.LogSynflow);
        Assert.ThrowsAny<OperationCanceledException>(() => proxy.Score(genome, context));
        using (NasPS.Compute.Kernels.Parallelism.Limit(1)) Assert.ThrowsAny<OperationCanceledException>(() => proxy.Score(genome, context));
    }

    [Fact]
    public void ResultsRecordTheirProtocol()
    {
        var genome = Space.FromIndex(1835);
        var result = NaswotProxy.FreeRea(batch: 8, repeats: 1).Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = Cifar(8), Seed = 4 });
        Assert.Equal("naswot", result.Proxy);
        foreach (var part in new[] { "batch 8", "train mode", "float32", "kaiming-normal fan_out", "mean of 1 init", "seed 4", "test_batch_first1017" })
            Assert.Contains(part, result.Protocol);
        // The convolution algorithm of the forward pass: Winograd by default where the machine runs it, else direct.
        string winograd = NasPS.Compute.Kernels.Conv2dKernel.WinogradAvailable ? "Winograd F(2×2,3×3) for 3×3 convolutions" : "direct convolutions";
        Assert.Contains(winograd, result.Protocol);
        var direct = NaswotProxy.FreeRea(batch: 8, repeats: 1).Score(genome, new ProxyContext
        {
            Dataset = Dataset.Cifar10, Input = Cifar(8), Seed = 4, Convolution = NasPS.Compute.Kernels.ConvolutionAlgorithm.Direct,
        });
        Assert.Contains("direct convolutions", direct.Protocol);
        using (NasPS.Compute.Kernels.KernelPaths.Force(NasPS.Compute.Kernels.KernelPath.Scalar))
            Assert.Contains("direct convolutions", NaswotProxy.FreeRea(batch: 8, repeats: 1).Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = Cifar(8), Seed = 4 }).Protocol);
        var synflow = ZeroCostProxies.Get("logsynflow").Score(genome, new ProxyContext { Dataset = Dataset.ImageNet16_120, Seed = 4 });
        foreach (var part in new[] { "float64", "every BN bypassed", "[1,3,16,16]", "mean of 3 init" })
            Assert.Contains(part, synflow.Protocol);
    }

    [Fact]
    public void ZenZicoAndFisherRecordTheirProtocolAndAreReproducible()
    {
        var genome = Space.FromIndex(1835); // all skip: cheap
        var zen = new ZenProxy(batch: 2, repeats: 2);
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 5 };
        var first = zen.Score(genome, context);
        Assert.Equal(first.Value, zen.Score(genome, context).Value);
        Assert.NotEqual(first.Value, zen.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 6 }).Value);
        foreach (var part in new[] { "train mode", "running statistics kept across repeats", "[2, 3, 32, 32]", "N(0,1) conv/linear weights", "mean of 2 repeat", "seed 5" })
            Assert.Contains(part, first.Protocol);
        var input = Cifar(8);
        var zico = new ZicoProxy(batch: 4).Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = input, Seed = 5 });
        Assert.True(zico.IsFinite);
        foreach (var part in new[] { "2 batches of 4", "train mode", "PyTorch default init", "test_batch_first1017" })
            Assert.Contains(part, zico.Protocol);
        var fisher = new GradientProxy(GradientMeasure.Fisher, batch: 8).Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = input, Seed = 5 });
        Assert.True(fisher.Value > 0);
        Assert.Contains("cross-entropy on the batch labels", fisher.Protocol);
        var tooFew = Assert.Throws<ArgumentException>(() => new ZicoProxy(batch: 8).Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = input }));
        Assert.Contains("needs 16 input images", tooFew.Message);
    }

    [Fact]
    public void DisconnectedCellsGiveZeroLogSynflowAndAFlaggedMinusInfinityNaswot()
    {
        var genome = Space.FromIndex(1651); // all none
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Input = Cifar(8), Seed = 1 };
        Assert.Equal(0.0, new SynflowProxy(SynflowVariant.LogSynflow, repeats: 1).Score(genome, context).Value);
        Assert.True(new SynflowProxy(SynflowVariant.LogSynflowEpsilon, repeats: 1).Score(genome, context).Value > 0); // ln(1e-6)·Σ|W|
        var naswot = NaswotProxy.FreeRea(batch: 8, repeats: 1).Score(genome, context);
        Assert.Equal(double.NegativeInfinity, naswot.Value);
        Assert.False(naswot.IsFinite);
    }

    [Fact]
    public void BadInputIsRejectedWithAClearMessage()
    {
        var genome = Space.FromIndex(0);
        var naswot = ZeroCostProxies.Get("naswot");
        var missing = Assert.Throws<ArgumentException>(() => naswot.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10 }));
        Assert.Contains("needs an input batch of 64 images", missing.Message);
        var few = Assert.Throws<ArgumentException>(() => naswot.Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = Cifar(10) }));
        Assert.Contains("needs 64 input images", few.Message);
        var resolution = Assert.Throws<ArgumentException>(() => naswot.Score(genome, new ProxyContext { Dataset = Dataset.ImageNet16_120, Input = Cifar(64) }));
        Assert.Contains("3×16×16", resolution.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => NaswotProxy.FreeRea(batch: 1));
        var noise = Batches.Gaussian(64, 3, 32, 32, 1); // labels −1: no cross-entropy target
        var unlabelled = Assert.Throws<ArgumentException>(() => ZeroCostProxies.Get("snip").Score(genome, new ProxyContext { Dataset = Dataset.Cifar10, Input = noise }));
        Assert.Contains("needs labels in 0..9", unlabelled.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SwapProxy(regularised: true, sigma: 0));
    }

    [Fact]
    public void NatsSizeNetworksHaveTheSpaceParameterCounts()
    {
        var space = NatsSizeSpace.Instance;
        var rng = new Rng(17);
        var configurations = new List<NatsSizeGenome> { space.FromIndex(0), space.FromIndex(NatsSizeSpace.Size - 1), space.Parse("8:8:16:40:40"), space.Parse("64:8:64:8:64") };
        for (int i = 0; i < 40; i++) configurations.Add(space.Sample(rng));
        foreach (var genome in configurations)
        foreach (var dataset in new[] { Dataset.Cifar10, Dataset.ImageNet16_120 })
            Assert.Equal(space.CountParameters(genome, dataset), new NatsSizeNetwork<float>(genome, dataset.Classes(), null).ParameterCount());
        Assert.Equal(713_674, new NatsSizeNetwork<float>(space.Parse("64:64:64:64:64"), 10, null).ParameterCount());
    }

    [Fact]
    public void ProxiesScoreNatsSizeNetworks()
    {
        var genome = NatsSizeSpace.Instance.Parse("8:16:8:24:16"); // every width change at a cell input
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Input = Cifar(8), Seed = 2 };
        double logSynflow = new SynflowProxy(SynflowVariant.LogSynflow, repeats: 1).Score(genome, context).Value;
        Assert.True(logSynflow > 0 && double.IsFinite(logSynflow));
        Assert.True(double.IsFinite(NaswotProxy.FreeRea(batch: 8, repeats: 1).Score(genome, context).Value));
    }

    [Fact]
    public void BuiltNb201NetworksHaveTheAnalyticParameterCountOfEveryArchitecture()
    {
        // Counting only, no forward. Every one of the 15,625 cells is built at a narrow width (C = 2, N = 5: the same
        // modules, tiny tensors) and checked against the closed-form layout count for that width; the benchmark width
        // (C = 16) is built for a seeded sample and the special cells and checked against the space's count (spec §1.5).
        var narrow = TinyNetworkLayout.FromChannels([.. Enumerable.Repeat(2, 5), .. Enumerable.Repeat(4, 6), .. Enumerable.Repeat(8, 6)]);
        foreach (var genome in Space.Enumerate().Cast<Nb201Genome>())
            Assert.Equal(narrow.CountParameters(genome, 10), new TinyNetwork<float>(genome, 10, null, channels: 2).ParameterCount());
        var rng = new Rng(2026);
        var sample = new List<int> { 0, 1, 2, 1462, 1651, 1835, 6111, 9930, 857 };
        for (int i = 0; i < 60; i++) sample.Add(rng.NextInt(15625));
        foreach (int index in sample)
        {
            var genome = Space.FromIndex(index);
            foreach (var dataset in new[] { Dataset.Cifar10, Dataset.Cifar100 })
                Assert.Equal(Space.CountParameters(genome, dataset), TinyNetwork<float>.ForDataset(genome, dataset, null).ParameterCount());
        }
        Assert.Equal(1_531_546, new TinyNetwork<float>(Space.FromIndex(1462), 10, null).ParameterCount());
    }
}
