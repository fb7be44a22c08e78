using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;
using Xunit;

namespace NasPS.Tests.Spaces;

public class NatsSizeSpaceTests
{
    private static readonly NatsSizeSpace Space = NatsSizeSpace.Instance;
    private static readonly int[] Choices = [8, 16, 24, 32, 40, 48, 56, 64];

    /// <summary>The official list, built the way main-sss.py's traverse_net builds it: slot by slot, by string.</summary>
    private static List<string> TraverseNet()
    {
        List<string> nets = [""];
        for (int slot = 0; slot < 5; slot++)
            nets = [.. nets.SelectMany(net => Choices.Select(c => net.Length == 0 ? $"{c}" : $"{net}:{c}"))];
        return nets;
    }

    [Fact]
    public void Enumerate_FollowsTheOfficialTraversalOrder_AndIndexRoundTrips()
    {
        var expected = TraverseNet();
        Assert.Equal(32768, expected.Count);
        int index = 0;
        foreach (var genome in Space.Enumerate())
        {
            Assert.Equal(expected[index], genome.Canonical);
            Assert.Equal(index, Space.IndexOf(genome));
            Assert.Equal(genome, Space.Parse(expected[index]));
            Assert.Equal(genome, Space.FromIndex(index));
            index++;
        }
        Assert.Equal(32768, index);
        Assert.Equal("8:8:8:8:16", Space.FromIndex(1).Canonical);
        Assert.Equal("64:64:64:64:64", Space.FromIndex(32767).Canonical);
    }

    [Theory]
    [InlineData("8:8:8:8:8", 11_714)]
    [InlineData("8:8:16:40:40", 107_826)]
    [InlineData("64:64:64:64:64", 713_674)]
    public void Params_MatchBenchmarkStoredValues(string configuration, long cifar10Params)
    {
        Assert.Equal(cifar10Params, Space.CountParameters(Space.Parse(configuration), Dataset.Cifar10));
    }

    [Fact]
    public void Flops_OfTheSmallestAndLargest_MatchHandCounts()
    {
        // 8:8:8:8:8 on 32×32: stem 27·8·1024 + cells 5·9·64·(1024 + 256 + 64) + reductions (2·9·64 + 64)·(256 + 64) + 8·10 + 10.
        Assert.Equal(4_481_114, Space.CountFlops(Space.Parse("8:8:8:8:8"), Dataset.Cifar10));
        Assert.Equal(274_399_882, Space.CountFlops(Space.Parse("64:64:64:64:64"), Dataset.Cifar10));
    }

    [Fact]
    public void Counts_EqualADirectFormula_ForEveryConfigurationAndDataset()
    {
        foreach (var genome in Space.Enumerate().Cast<NatsSizeGenome>())
        {
            long[] c = [.. genome.Channels.Select(x => (long)x)];
            foreach (var dataset in new[] { Dataset.Cifar10, Dataset.Cifar100, Dataset.ImageNet16_120 })
            {
                long k = dataset.Classes(), h = dataset.Resolution();
                // The fixed cell: two 3×3 convs leave the input (in → out), three stay inside (out → out),
                // and the skip 3←0 is a 1×1 conv + BN only when the width changes.
                long CellParams(long i, long o) => 2 * (9 * i * o + 2 * o) + 3 * (9 * o * o + 2 * o) + (i != o ? i * o + 2 * o : 0);
                long CellMacs(long i, long o) => 18 * i * o + 27 * o * o + (i != o ? i * o : 0);
                long ResParams(long i, long o) => 9 * i * o + 9 * o * o + i * o + 4 * o;
                long ResMacs(long i, long o) => 9 * i * o + 9 * o * o + i * o;
                long parameters = 29 * c[0] + CellParams(c[0], c[0]) + ResParams(c[0], c[1]) + CellParams(c[1], c[2])
                    + ResParams(c[2], c[3]) + CellParams(c[3], c[4]) + 2 * c[4] + c[4] * k + k;
                long p1 = h * h, p2 = p1 / 4, p3 = p1 / 16;
                long flops = 27 * c[0] * p1 + CellMacs(c[0], c[0]) * p1 + ResMacs(c[0], c[1]) * p2 + CellMacs(c[1], c[2]) * p2
                    + ResMacs(c[2], c[3]) * p3 + CellMacs(c[3], c[4]) * p3 + c[4] * k + k;
                Assert.Equal(parameters, Space.CountParameters(genome, dataset));
                Assert.Equal(flops, Space.CountFlops(genome, dataset));
            }
        }
    }

    [Fact]
    public void Layout_DescribesTheSkeleton()
    {
        var layout = NatsSizeSpace.Layout(Space.Parse("8:16:24:32:40"));
        Assert.Equal(8, layout.StemChannels);
        Assert.Equal(40, layout.OutputChannels);
        Assert.Equal(1, layout.CellsPerStage);
        Assert.Equal(
            [new TinyLayer(TinyLayerKind.Cell, 8, 8), new TinyLayer(TinyLayerKind.Reduction, 8, 16), new TinyLayer(TinyLayerKind.Cell, 16, 24),
             new TinyLayer(TinyLayerKind.Reduction, 24, 32), new TinyLayer(TinyLayerKind.Cell, 32, 40)],
            layout.Layers);
        Assert.Equal("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", NatsSizeSpace.FixedCell.Canonical);
        Assert.Equal(9930, NasBench201Space.Instance.IndexOf(NatsSizeSpace.FixedCell));

        var nb201 = TinyNetworkLayout.NasBench201;
        Assert.Equal(17, nb201.Layers.Count);
        Assert.Equal([5, 11], Enumerable.Range(0, 17).Where(i => nb201.Layers[i].Kind == TinyLayerKind.Reduction));
        Assert.Throws<ArgumentException>(() => TinyNetworkLayout.FromChannels([8, 8, 8, 8]));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "64:64:64:64", "it has 4 colon-separated value(s); a configuration has exactly 5" },
        { "64:64:64:64:64:64", "it has 6 colon-separated value(s)" },
        { "64:64::64:64", "slot 3 is empty" },
        { "64:64:6x:64:64", "slot 3 ('6x') is not a whole number" },
        { "64:64:64:-8:64", "slot 4 ('-8') is not a whole number" },
        { "64:64:64:64: 64", "slot 5 (' 64') is not a whole number" },
        { "12:64:64:64:64", "slot 1 is 12; channel counts must be one of 8, 16, 24, 32, 40, 48, 56, 64" },
        { "64:64:64:64:72", "slot 5 is 72" },
        { "64,64,64,64,64", "it has 1 colon-separated value(s)" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_GivesASpecificMessage(string text, string fragment)
    {
        var e = Assert.Throws<ArchitectureFormatException>(() => Space.Parse(text));
        Assert.Contains(fragment, e.Message);
        Assert.Equal("NatsSize", e.Space);
    }

    [Fact]
    public void Sample_IsDeterministic_AndUniformPerSlot()
    {
        Assert.Equal(Space.Sample(new Rng(4)), Space.Sample(new Rng(4)));
        var rng = new Rng(17);
        var counts = new long[5][];
        for (int s = 0; s < 5; s++) counts[s] = new long[8];
        for (int t = 0; t < 80_000; t++)
        {
            var g = Space.Sample(rng);
            for (int s = 0; s < 5; s++) counts[s][g.Channels[s] / 8 - 1]++;
        }
        double[] uniform = [.. Enumerable.Repeat(1 / 8.0, 8)];
        foreach (var slot in counts)
            Assert.True(ChiSquare.Statistic(slot, uniform) < ChiSquare.Critical(7));
    }

    [Fact]
    public void Mutate_ChangesExactlyOneSlot_UniformlyInSlotAndValue()
    {
        var rng = new Rng(23);
        var bySlot = new long[5];
        var byOffset = new long[7];
        for (int t = 0; t < 70_000; t++)
        {
            var parent = Space.FromIndex(t * 7 % 32768);
            var child = Space.Mutate(parent, rng);
            int[] changed = [.. Enumerable.Range(0, 5).Where(s => child.Channels[s] != parent.Channels[s])];
            Assert.Single(changed);
            bySlot[changed[0]]++;
            byOffset[((child.Channels[changed[0]] - parent.Channels[changed[0]]) / 8 + 8 - 1) % 8]++;
        }
        Assert.True(ChiSquare.Statistic(bySlot, [.. Enumerable.Repeat(0.2, 5)]) < ChiSquare.Critical(4));
        Assert.True(ChiSquare.Statistic(byOffset, [.. Enumerable.Repeat(1 / 7.0, 7)]) < ChiSquare.Critical(6));
        Assert.Equal(Space.Mutate(Space.FromIndex(5), new Rng(1)), Space.Mutate(Space.FromIndex(5), new Rng(1)));
    }

    [Fact]
    public void Crossover_MixesSlots()
    {
        var a = Space.Parse("8:8:8:8:8");
        var b = Space.Parse("64:64:64:64:64");
        var rng = new Rng(2);
        var fromA = new long[5];
        const int trials = 20_000;
        for (int t = 0; t < trials; t++)
        {
            var child = Space.Crossover(a, b, rng);
            for (int s = 0; s < 5; s++) if (child.Channels[s] == 8) fromA[s]++;
        }
        foreach (long count in fromA)
            Assert.True(ChiSquare.Statistic([count, trials - count], [0.5, 0.5]) < ChiSquare.Critical(1));
    }

    [Fact]
    public void Space_IsRegistered()
    {
        foreach (var name in new[] { "NatsSize", "nats-sss", "NATS-SSS" })
            Assert.Same(Space, SearchSpaces.Get(name));
        Assert.Throws<ArgumentOutOfRangeException>(() => Space.FromIndex(32768));
    }
}
