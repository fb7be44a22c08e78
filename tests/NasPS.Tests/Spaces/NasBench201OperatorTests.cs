using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Spaces;

public class NasBench201OperatorTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;

    [Fact]
    public void Sample_IsDeterministicPerSeed_AndDiffersAcrossSeeds()
    {
        string[] Draw(ulong seed)
        {
            var rng = new Rng(seed);
            return [.. Enumerable.Range(0, 50).Select(_ => Space.Sample(rng).Canonical)];
        }
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void Sample_IsUniform_ByFirstEdgeOp_AndByIndexModulo50()
    {
        const int samples = 200_000;
        var rng = new Rng(20240601);
        var byFirstOp = new long[5];
        var byIndexMod = new long[50];
        for (int s = 0; s < samples; s++)
        {
            var g = Space.Sample(rng);
            byFirstOp[(int)g[0]]++;
            byIndexMod[Space.IndexOf(g)!.Value % 50]++;
        }
        Assert.True(ChiSquare.Statistic(byFirstOp, [.. Enumerable.Repeat(0.2, 5)]) < ChiSquare.Critical(4));
        // 15,625 = 50·312 + 25: residues 0..24 hold 313 indices, 25..49 hold 312.
        double[] modProbabilities = [.. Enumerable.Range(0, 50).Select(r => (r < 25 ? 313 : 312) / 15625.0)];
        Assert.True(ChiSquare.Statistic(byIndexMod, modProbabilities) < ChiSquare.Critical(49));
    }

    [Fact]
    public void Mutate_ChangesExactlyOneEdge_WithFreeReaNodeProbabilities_AndUniformNewOps()
    {
        const int trials = 60_000;
        var rng = new Rng(99);
        var byNode = new long[3];
        var byOpOffset = new long[4]; // (new − old − 1) mod 5: which of the other four ops was chosen
        for (int t = 0; t < trials; t++)
        {
            var parent = Space.FromIndex(t % 15625);
            var child = Space.Mutate(parent, rng);
            int[] changed = [.. Enumerable.Range(0, 6).Where(k => child[k] != parent[k])];
            Assert.Single(changed);
            int edge = changed[0];
            byNode[Nb201Genome.Edges[edge].To - 1]++;
            byOpOffset[((int)child[edge] - (int)parent[edge] - 1 + 5) % 5]++;
        }
        Assert.True(ChiSquare.Statistic(byNode, [1 / 6.0, 2 / 6.0, 3 / 6.0]) < ChiSquare.Critical(2));
        Assert.True(ChiSquare.Statistic(byOpOffset, [0.25, 0.25, 0.25, 0.25]) < ChiSquare.Critical(3));
    }

    [Fact]
    public void Mutate_IsDeterministicPerSeed()
    {
        var parent = Space.FromIndex(123);
        Assert.Equal(Space.Mutate(parent, new Rng(5)), Space.Mutate(parent, new Rng(5)));
    }

    [Fact]
    public void Crossover_TakesEachEdgeFromAParent_WithProbabilityOneHalf()
    {
        // The two parents differ on every edge, so each child edge tells which parent it came from.
        var first = Space.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        var second = Space.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        var rng = new Rng(3);
        const int trials = 20_000;
        var fromFirst = new long[6];
        for (int t = 0; t < trials; t++)
        {
            var child = Space.Crossover(first, second, rng);
            for (int k = 0; k < 6; k++)
            {
                Assert.True(child[k] == first[k] || child[k] == second[k]);
                if (child[k] == first[k]) fromFirst[k]++;
            }
        }
        foreach (long count in fromFirst)
            Assert.True(ChiSquare.Statistic([count, trials - count], [0.5, 0.5]) < ChiSquare.Critical(1));
        Assert.Equal(Space.Crossover(first, second, new Rng(11)), Space.Crossover(first, second, new Rng(11)));
    }

    [Theory]
    [InlineData(0, 1.0 / 3)]
    [InlineData(1, 1.0)]
    [InlineData(2, 0.0)]
    [InlineData(6111, 2.0)]
    [InlineData(1835, 2.0 / 3)]
    public void SkipMetric_MatchesSpecTestValues(int index, double expected)
    {
        Assert.Equal(expected, Space.FromIndex(index).SkipMetric, 12);
    }

    [Fact]
    public void ExactlyThe341DisconnectedCells_AreTheChanceLevelOnes()
    {
        var table = Nb201Reference.Table;
        int accuracy = table.Column("cifar10_test_acc");
        int disconnected = 0;
        foreach (var genome in Space.Enumerate().Cast<Nb201Genome>())
        {
            if (!genome.IsDisconnected) continue;
            disconnected++;
            Assert.Equal(10.0, table.Double(Space.IndexOf(genome)!.Value, accuracy)!.Value, 9);
        }
        Assert.Equal(341, disconnected);
        Assert.True(Space.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|").IsDisconnected);
        Assert.False(Space.Parse("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|").IsDisconnected);
        Assert.True(Space.Parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|none~2|").IsDisconnected);
        Assert.False(Space.Parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|avg_pool_3x3~2|").IsDisconnected);
    }
}
