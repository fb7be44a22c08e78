using NasPS.Analysis;
using NasPS.IO;
using NasPS.Proxies;
using NasPS.Proxies.Sed;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench101;
using Xunit;

namespace NasPS.Tests.Proxies.Sed;

/// <summary>The SED-inspired proxy on NAS-Bench-101 cells (docs/proxies.md, "NAS-Bench-101").</summary>
public class Nb101SedTests
{
    private static readonly NasBench101Space Space = NasBench101Space.Instance;
    private static readonly double Ln27Half = 0.5 * Math.Log(27);

    private static double Conv(int channels, int kernel) => 0.5 * Math.Log((double)channels * kernel * kernel);

    /// <summary>Stem and the two 2×2 max-pools: the same for every cell.</summary>
    private static double Skeleton => Ln27Half + 2 * SedScore.RectifiedMaxPoolEntropy(2);

    [Fact]
    public void OneConvCell_IsTheHandWorkedSum()
    {
        // One 3×3 conv at the full output width in each of the nine cells: 3 cells each at 128, 256 and 512.
        var cell = Space.Parse("input;conv3x3-bn-relu:0;output:1");
        double expected = Skeleton + 3 * (Conv(128, 3) + Conv(256, 3) + Conv(512, 3));
        Assert.Equal(expected, SedScore.Instance.Score(cell), 12);
    }

    [Fact]
    public void VertexWidths_FollowTheConcatenationSplit()
    {
        // Three vertices feed the output: widths 43/43/42, 86/85/85, 171/171/170 (vertex 2 feeds vertex 3, vertex 4 feeds 5).
        var cell = Space.Parse("input;conv3x3-bn-relu:0;maxpool3x3:1;conv1x1-bn-relu:0,2;conv3x3-bn-relu:3;maxpool3x3:4;output:1,3,5");
        double pools = 2 * SedScore.RectifiedMaxPoolEntropy(3);
        double stack1 = Conv(43, 3) + Conv(43, 1) + Conv(42, 3) + pools;
        double stack2 = Conv(86, 3) + Conv(85, 1) + Conv(85, 3) + pools;
        double stack3 = Conv(171, 3) + Conv(171, 1) + Conv(170, 3) + pools;
        Assert.Equal(stack1, SedScore.Nb101CellEntropy(cell, 128, 128), 12);
        Assert.Equal(stack2, SedScore.Nb101CellEntropy(cell, 128, 256), 12);
        Assert.Equal(Skeleton + 3 * stack1 + stack2 + 2 * SedScore.Nb101CellEntropy(cell, 256, 256) + stack3 + 2 * SedScore.Nb101CellEntropy(cell, 512, 512),
            SedScore.Instance.Score(cell), 12);
    }

    [Fact]
    public void BareCell_ScoresOnlyTheSkeleton()
    {
        // Input → output: the cell is a width-matching 1×1 projection, which carries entropy unchanged.
        Assert.Equal(0, SedScore.Nb101CellEntropy(Space.Parse("input;output:0"), 128, 256));
        Assert.Equal(Skeleton, SedScore.Instance.Score(Space.Parse("input;output:0")), 12);
    }

    [Fact]
    public void RectifiedMaxPoolTerms_AgreeWithMonteCarlo()
    {
        // ½·ln(Var max(0, max of k² normals) / Var max(0, one normal)), estimated from 400,000 draws.
        var rng = new Rng(2024);
        foreach (int kernel in new[] { 2, 3 })
        {
            int n = kernel * kernel, draws = 400_000;
            double sum = 0, square = 0, sum1 = 0, square1 = 0;
            for (int d = 0; d < draws; d++)
            {
                double max = double.NegativeInfinity, first = 0;
                for (int i = 0; i < n; i++)
                {
                    double z = rng.NextGaussian();
                    if (i == 0) first = Math.Max(0, z);
                    max = Math.Max(max, z);
                }
                max = Math.Max(0, max);
                sum += max; square += max * max; sum1 += first; square1 += first * first;
            }
            double variance = square / draws - Math.Pow(sum / draws, 2), variance1 = square1 / draws - Math.Pow(sum1 / draws, 2);
            double estimate = 0.5 * Math.Log(variance / variance1);
            Assert.True(Math.Abs(estimate - SedScore.RectifiedMaxPoolEntropy(kernel)) < 0.01, $"{kernel}×{kernel}: Monte Carlo {estimate}, quadrature {SedScore.RectifiedMaxPoolEntropy(kernel)}");
        }
        // The rectified baseline is exact: Var max(0, Z) = ½ − 1/(2π); a 1×1 pool changes nothing.
        Assert.Equal(0, SedScore.RectifiedMaxPoolEntropy(1));
        Assert.True(SedScore.RectifiedMaxPoolEntropy(3) < SedScore.RectifiedMaxPoolEntropy(2)); // the larger pool gains less
    }

    [Fact]
    public void KnownOrderings()
    {
        double Score(string cell) => SedScore.Instance.Score(Space.Parse(cell));
        // A 3×3 conv beats a 1×1 conv, which beats a max-pool, on the same vertex.
        Assert.True(Score("input;conv3x3-bn-relu:0;output:1") > Score("input;conv1x1-bn-relu:0;output:1"));
        Assert.True(Score("input;conv1x1-bn-relu:0;output:1") > Score("input;maxpool3x3:0;output:1"));
        // A second conv in series adds its term at full width.
        Assert.True(Score("input;conv3x3-bn-relu:0;conv3x3-bn-relu:1;output:2") > Score("input;conv3x3-bn-relu:0;output:1"));
        // The input → output projection is free.
        Assert.Equal(Score("input;conv3x3-bn-relu:0;output:1"), Score("input;conv3x3-bn-relu:0;output:0,1"));
    }

    [Fact]
    public void RelabelledCells_TieExactly()
    {
        // The same graph with its two parallel branches in either order: equal widths, so equal terms, so equal scores.
        var a = Space.Parse("input;conv3x3-bn-relu:0;maxpool3x3:0;output:1,2");
        var b = Space.Parse("input;maxpool3x3:0;conv3x3-bn-relu:0;output:1,2");
        Assert.Equal(a.GraphHash, b.GraphHash);
        Assert.Equal(SedScore.Instance.Score(a), SedScore.Instance.Score(b));
    }

    [Fact]
    public void TheRegisteredProxy_SupportsNb101_AndIsDataFree()
    {
        var cell = Space.Parse("input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2");
        var proxy = ZeroCostProxies.Get("sed");
        Assert.True(proxy.Supports(cell));
        var result = proxy.Score(cell, new ProxyContext { Dataset = Dataset.Cifar10, Seed = 1 });
        Assert.Equal(SedScore.Instance.Score(cell), result.Value);
        Assert.Equal(result.Value, proxy.Score(cell, new ProxyContext { Dataset = Dataset.Cifar100, Seed = 99 }).Value);
    }

    /// <summary>The value docs/proxies.md reports on the 500 cells of the NASLib subset against its CIFAR-10 accuracy.</summary>
    [Fact]
    public void ReachesTheReportedCorrelationOnTheNaslibSubset()
    {
        var table = CsvTable.Load(SharedData.Path("nb101/nb101_naslib_zc_subset.csv"));
        int adjacency = table.Column("adjacency_7x7_rowmajor"), ops = table.Column("ops"), accuracyColumn = table.Column("naslib_val_accuracy");
        var scores = new double[table.Rows.Count];
        var accuracy = new double[table.Rows.Count];
        for (int row = 0; row < table.Rows.Count; row++)
        {
            string bits = table.Text(row, adjacency);
            var matrix = new bool[7, 7];
            for (int k = 0; k < 49; k++) matrix[k / 7, k % 7] = bits[k] == '1';
            scores[row] = SedScore.Instance.Score(Nb101Genome.Create(matrix, table.Text(row, ops).Split('|')));
            accuracy[row] = table.Double(row, accuracyColumn)!.Value;
        }
        var agreement = RankCorrelation.Compare(scores, accuracy);
        Assert.True(Math.Abs(agreement.Spearman - 0.6921) < 1e-4, $"Spearman {agreement.Spearman:F5}, reported 0.6921");
        Assert.True(Math.Abs(agreement.KendallTauB - 0.4981) < 1e-4, $"Kendall tau-b {agreement.KendallTauB:F5}, reported 0.4981");
    }
}
