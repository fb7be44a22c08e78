using NasPS.Analysis;
using NasPS.Proxies.Sed;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;
using NasPS.Tests.Benchmarks;
using Xunit;

namespace NasPS.Tests.Proxies.Sed;

public class SedScoreTests
{
    private static readonly Lazy<(Nb201Genome[] Cells, double[] Scores)> Space = new(() =>
    {
        var table = Nb201Tables.Benchmark;
        var cells = Enumerable.Range(0, table.Count).Select(i => NasBench201Space.Instance.Parse(table.Architecture(i))).ToArray();
        return (cells, cells.Select(cell => SedScore.Instance.Score(cell)).ToArray());
    });

    private static double[] TestAccuracy(string dataset) => Nb201Tables.Benchmark.Column($"{dataset}_test_acc").ToArray();

    private static Nb201Genome Uniform(Nb201Op op) => new([op, op, op, op, op, op]);

    /// <summary>The values docs/proxies.md reports for the frozen definition (version 2); a change that
    /// lowers any by more than 0.005 fails here.</summary>
    [Theory]
    [InlineData("cifar10", 0.8822, 0.7138)]
    [InlineData("cifar100", 0.8828, 0.7160)]
    [InlineData("imagenet16", 0.8542, 0.6876)]
    public void ReachesTheReportedCorrelationOverTheWholeSpace(string dataset, double spearman, double kendall)
    {
        var accuracy = TestAccuracy(dataset);
        var agreement = RankCorrelation.Compare(Space.Value.Scores, accuracy);
        Assert.Equal(15625, agreement.Pairs);
        Assert.True(agreement.Spearman >= spearman - 0.005, $"{dataset}: Spearman {agreement.Spearman:F4} < reported {spearman} - 0.005");
        Assert.True(agreement.KendallTauB >= kendall - 0.005, $"{dataset}: Kendall tau-b {agreement.KendallTauB:F4} < reported {kendall} - 0.005");
    }

    [Fact]
    public void DisconnectedCellsAndOnlyThoseRankLast()
    {
        var (cells, scores) = Space.Value;
        var accuracy = TestAccuracy("cifar10");
        int disconnected = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            if (double.IsNegativeInfinity(scores[i]))
            {
                disconnected++;
                Assert.Equal(10.0, accuracy[i]); // chance level: the output ignores the input
            }
            else Assert.True(double.IsFinite(scores[i]), $"index {i} {cells[i]}: score {scores[i]}");
        }
        Assert.Equal(341, disconnected); // spec §1.3
        Assert.Equal(double.NegativeInfinity, SedScore.Instance.Score(Uniform(Nb201Op.None)));
    }

    [Fact]
    public void KnownOrderings()
    {
        double Of(Nb201Op op) => SedScore.Instance.Score(Uniform(op));
        Assert.True(Of(Nb201Op.None) < Of(Nb201Op.AvgPool3x3));
        Assert.True(Of(Nb201Op.AvgPool3x3) < Of(Nb201Op.SkipConnect));
        Assert.True(Of(Nb201Op.SkipConnect) < Of(Nb201Op.Conv1x1));
        Assert.True(Of(Nb201Op.Conv1x1) < Of(Nb201Op.Conv3x3));

        // Three live skips (a 0→1→3 skip path beside the 0→3 skip) cost the penalty twice in each of the
        // 15 cells; a lone skip costs nothing (MatchesHandWorkedNb201Values).
        var oneSkip = NasBench201Space.Instance.Parse("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|");
        var twoSkips = NasBench201Space.Instance.Parse("|skip_connect~0|+|none~0|none~1|+|skip_connect~0|skip_connect~1|none~2|");
        Assert.Equal(SedScore.Instance.Score(oneSkip) - 15 * 2 * SedScore.SkipPenalty, SedScore.Instance.Score(twoSkips), 1e-9);
    }

    [Fact]
    public void NoLiveEdgeExactlyWhenTheCellIsDisconnected()
    {
        for (int g = 0; g < 15625; g++)
        {
            var cell = Nb201Genome.FromGenerationPosition(g);
            if ((SedScore.LiveEdgeMask(cell) == 0) != cell.IsDisconnected) Assert.Fail($"{cell}: live-edge mask and IsDisconnected disagree");
        }
    }

    [Fact]
    public void DeadEdgesCarryNothing()
    {
        // Node 1 feeds nothing, so its 3x3 conv is off every input→output path.
        var dead = NasBench201Space.Instance.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|");
        var without = dead.With(0, Nb201Op.None);
        Assert.Equal(0b001000, SedScore.LiveEdgeMask(dead));
        Assert.Equal(SedScore.Instance.Score(without), SedScore.Instance.Score(dead));
        // Wiring node 1 to the output makes the conv count.
        Assert.True(SedScore.Instance.Score(dead.With(4, Nb201Op.SkipConnect)) > SedScore.Instance.Score(dead));
    }

    [Fact]
    public void CellEntropyIsTheSumOfItsLiveEdgeTerms()
    {
        // The grouped sum in CellEntropy against the definition written edge by edge, for every cell,
        // with equal and with differing input and output widths.
        foreach (var (cIn, cOut) in new[] { (16, 16), (64, 64), (8, 40) })
        for (int g = 0; g < 15625; g++)
        {
            var cell = Nb201Genome.FromGenerationPosition(g);
            int live = SedScore.LiveEdgeMask(cell);
            double expected = live == 0 ? double.NegativeInfinity : 0;
            int skips = 0;
            for (int k = 0; k < 6 && live != 0; k++)
            {
                if ((live & (1 << k)) == 0) continue;
                int channels = Nb201Genome.Edges[k].From == 0 ? cIn : cOut;
                expected += cell[k] switch
                {
                    Nb201Op.Conv1x1 => SedScore.ConvEntropy(channels, 1),
                    Nb201Op.Conv3x3 => SedScore.ConvEntropy(channels, 3),
                    Nb201Op.AvgPool3x3 => SedScore.PoolEntropy(3),
                    _ => 0,
                };
                if (cell[k] == Nb201Op.SkipConnect) skips++;
            }
            expected -= SedScore.SkipPenalty * Math.Max(0, skips - 1);
            double actual = SedScore.CellEntropy(cell, cIn, cOut);
            if (!(actual == expected || Math.Abs(actual - expected) < 1e-12))
                Assert.Fail($"{cell} at {cIn}->{cOut}: {actual} vs edge by edge {expected}");
        }
    }

    [Fact]
    public void EqualEntropiesTieExactly()
    {
        // A 3x3 conv followed by a 3x3 pool gains ½ln C + ln 3 − ln 3: exactly a 1x1 conv's ½ln C.
        var convThenPool = NasBench201Space.Instance.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|avg_pool_3x3~1|none~2|");
        var conv1x1 = NasBench201Space.Instance.Parse("|nor_conv_1x1~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|");
        Assert.Equal(SedScore.Instance.Score(conv1x1), SedScore.Instance.Score(convThenPool));
        // The same operations on other edges.
        var a = NasBench201Space.Instance.Parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|");
        var b = NasBench201Space.Instance.Parse("|nor_conv_1x1~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_3x3~2|");
        Assert.Equal(SedScore.Instance.Score(a), SedScore.Instance.Score(b));
    }

    /// <summary>Whole-network values worked by hand from the definition in docs/proxies.md:
    /// stem ½ln27; reduction(i, o) = ½ln(9i) + ½ln(9o) − ln2; cells as documented.</summary>
    [Theory]
    [InlineData("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", 11.587545032154166)] // stem and reductions only
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", 266.4207666382717)]
    [InlineData("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|", -18.412454967845832)]
    [InlineData("|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|", -87.2875609479757)]
    public void MatchesHandWorkedNb201Values(string arch, double expected) =>
        Assert.Equal(expected, SedScore.Instance.Score(NasBench201Space.Instance.Parse(arch)), 1e-9);

    [Fact]
    public void IsAPureFunctionOfTheArchitecture()
    {
        var (cells, scores) = Space.Value;
        var again = new double[cells.Length];
        for (int i = cells.Length - 1; i >= 0; i--) // another order, fresh genome objects
            again[i] = SedScore.Instance.Score((Genome)Nb201Genome.FromGenerationPosition(cells[i].GenerationPosition));
        Assert.Equal(scores, again); // bit-identical
    }

    [Theory]
    [InlineData("64:64:64:64:64", 60.644646848493245)]
    [InlineData("8:16:24:32:40", 48.620495961041925)]
    public void MatchesHandWorkedNatsSizeValues(string channels, double expected) =>
        Assert.Equal(expected, SedScore.Instance.Score(Sizes(channels.Split(':').Select(int.Parse).ToArray())), 1e-9);

    [Fact]
    public void NatsSizeScoreGrowsWithEveryWidth()
    {
        // Configuration code: 3 bits per slot, slot 1 lowest; widening a slot by 8 adds 1 << (3 * slot).
        var choices = NatsSizeGenome.Choices;
        int count = 1 << (3 * NatsSizeGenome.Slots);
        var scores = new double[count];
        var channels = new int[NatsSizeGenome.Slots];
        for (int code = 0; code < count; code++)
        {
            for (int slot = 0; slot < channels.Length; slot++) channels[slot] = choices[(code >> (3 * slot)) & 7];
            scores[code] = SedScore.Instance.Score(Sizes(channels));
            if (!double.IsFinite(scores[code])) Assert.Fail($"{string.Join(':', channels)}: score {scores[code]}");
        }
        for (int code = 0; code < count; code++)
        for (int slot = 0; slot < NatsSizeGenome.Slots; slot++)
        {
            if (((code >> (3 * slot)) & 7) == 7) continue; // already 64
            if (!(scores[code + (1 << (3 * slot))] > scores[code]))
                Assert.Fail($"configuration code {code}: widening slot {slot + 1} did not raise the score");
        }
        Assert.Equal(scores.Max(), SedScore.Instance.Score(Sizes([64, 64, 64, 64, 64])));
        Assert.Equal(scores.Min(), SedScore.Instance.Score(Sizes([8, 8, 8, 8, 8])));
    }

    [Fact]
    public void DescribesItself()
    {
        Assert.Equal("sed", SedScore.Instance.Name);
        Assert.True(SedScore.Instance.HigherIsBetter);
        Assert.False(string.IsNullOrWhiteSpace(SedScore.Instance.Version));
    }

    [Fact]
    public void RejectsOtherSpacesByName()
    {
        var error = Assert.Throws<NotSupportedException>(() => SedScore.Instance.Score(new OtherGenome()));
        Assert.Contains("Other", error.Message);
        Assert.Contains("'x'", error.Message);
        Assert.Throws<ArgumentNullException>(() => SedScore.Instance.Score((Genome)null!));
    }

    private static NatsSizeGenome Sizes(ReadOnlySpan<int> channels) => new(channels);

    private sealed class OtherGenome : Genome
    {
        public override string SpaceName => "Other";
        protected override string FormatCanonical() => "x";
    }
}
