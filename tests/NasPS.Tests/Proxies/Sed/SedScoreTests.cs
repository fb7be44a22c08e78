using NasPS.Analysis;
using NasPS.Proxies.Sed;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;
using NasPS.Tests.Analysis;
using Xunit;

namespace NasPS.Tests.Proxies.Sed;

public class SedScoreTests
{
    private static readonly Lazy<(Nb201Genome[] Cells, double[] Scores)> Space = new(() =>
    {
        var table = Nb201Tables.Benchmark;
        int arch = table.Column("arch");
        var cells = Enumerable.Range(0, table.Rows.Count).Select(r => Nb201ArchText.Parse(table.Text(r, arch))).ToArray();
        return (cells, cells.Select(SedScore.Instance.Score).ToArray());
    });

    private static Nb201Genome Uniform(Nb201Op op) => new([op, op, op, op, op, op]);

    /// <summary>The values docs/proxies.md reports for the frozen definition (version 1); a change that
    /// lowers any by more than 0.005 fails here.</summary>
    [Theory]
    [InlineData("cifar10", 0.8823, 0.7124)]
    [InlineData("cifar100", 0.8827, 0.7144)]
    [InlineData("imagenet16", 0.8543, 0.6864)]
    public void ReachesTheReportedCorrelationOverTheWholeSpace(string dataset, double spearman, double kendall)
    {
        var accuracy = Nb201Tables.Column(Nb201Tables.Benchmark, $"{dataset}_test_acc");
        var agreement = RankCorrelation.Compare(Space.Value.Scores, accuracy);
        Assert.Equal(15625, agreement.Pairs);
        Assert.True(agreement.Spearman >= spearman - 0.005, $"{dataset}: Spearman {agreement.Spearman:F4} < reported {spearman} - 0.005");
        Assert.True(agreement.KendallTauB >= kendall - 0.005, $"{dataset}: Kendall tau-b {agreement.KendallTauB:F4} < reported {kendall} - 0.005");
    }

    [Fact]
    public void DisconnectedCellsAndOnlyThoseRankLast()
    {
        var (cells, scores) = Space.Value;
        var accuracy = Nb201Tables.Column(Nb201Tables.Benchmark, "cifar10_test_acc");
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

        // A second skip beside a first costs the penalty; the first costs nothing.
        var oneSkip = Nb201ArchText.Parse("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|");
        var twoSkips = Nb201ArchText.Parse("|skip_connect~0|+|none~0|none~1|+|skip_connect~0|skip_connect~1|none~2|");
        Assert.Equal(SedScore.Instance.Score(oneSkip) - 15 * 2 * SedScore.SkipPenalty, SedScore.Instance.Score(twoSkips), 1e-9);
    }

    [Fact]
    public void DeadEdgesCarryNothing()
    {
        // Node 1 feeds nothing, so its 3x3 conv is off every input→output path.
        var dead = Nb201ArchText.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|");
        var without = dead.With(0, Nb201Op.None);
        Assert.Equal(0b001000, SedScore.LiveEdgeMask(dead));
        Assert.Equal(SedScore.Instance.Score(without), SedScore.Instance.Score(dead));
        // Wiring node 1 to the output makes the conv count.
        Assert.True(SedScore.Instance.Score(dead.With(4, Nb201Op.SkipConnect)) > SedScore.Instance.Score(dead));
    }

    /// <summary>Whole-network values worked by hand from the definition in docs/proxies.md:
    /// stem ½ln27; reduction(i, o) = ½ln(9i) + ½ln(9o) − ln2; cells as documented.</summary>
    [Theory]
    [InlineData("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", 11.587545032154166)] // stem and reductions only
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", 266.4207666382717)]
    [InlineData("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|", -18.412454967845832)]
    [InlineData("|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|", -87.2875609479757)]
    public void MatchesHandWorkedNb201Values(string arch, double expected) =>
        Assert.Equal(expected, SedScore.Instance.Score(Nb201ArchText.Parse(arch)), 1e-9);

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
        var choices = NatsSizeGenome.Choices;
        int configurations = 0;
        Span<int> c = stackalloc int[NatsSizeGenome.Slots];
        for (int code = 0; code < 1 << (3 * NatsSizeGenome.Slots); code++)
        {
            for (int slot = 0; slot < NatsSizeGenome.Slots; slot++) c[slot] = choices[(code >> (3 * slot)) & 7];
            double score = SedScore.Instance.Score(Sizes(c));
            Assert.True(double.IsFinite(score));
            for (int slot = 0; slot < NatsSizeGenome.Slots; slot++)
            {
                if (c[slot] == choices[^1]) continue;
                int[] wider = c.ToArray();
                wider[slot] += 8;
                if (!(SedScore.Instance.Score(Sizes(wider)) > score))
                    Assert.Fail($"{string.Join(':', c.ToArray())}: widening slot {slot + 1} did not raise the score");
            }
            configurations++;
        }
        Assert.Equal(32768, configurations);
    }

    [Fact]
    public void NatsSizeCellIsTheFixedNatsTopology() =>
        Assert.Equal("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", SedScore.NatsSizeCell.Canonical);

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
    }

    private static NatsSizeGenome Sizes(ReadOnlySpan<int> channels) => new(channels);

    private sealed class OtherGenome : Genome
    {
        public override string SpaceName => "Other";
        protected override string FormatCanonical() => "x";
    }
}
