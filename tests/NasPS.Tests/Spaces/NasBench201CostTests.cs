using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Spaces;

public class NasBench201CostTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;

    private static readonly (Dataset Dataset, string Prefix)[] Datasets =
        [(Dataset.Cifar10, "cifar10"), (Dataset.Cifar100, "cifar100"), (Dataset.ImageNet16_120, "imagenet16")];

    [Fact]
    public void ParamsAndFlops_EqualTheBenchmarkTable_ForEveryRowAndDataset()
    {
        var table = Nb201Reference.Table;
        int arch = table.Column("arch");
        foreach (var (dataset, prefix) in Datasets)
        {
            int paramsColumn = table.Column(prefix + "_params_mb"), flopsColumn = table.Column(prefix + "_flops_m");
            for (int row = 0; row < table.Rows.Count; row++)
            {
                var genome = Space.Parse(table.Text(row, arch));
                long expectedParams = (long)Math.Round(table.Double(row, paramsColumn)!.Value * 1e6);
                long expectedFlops = (long)Math.Round(table.Double(row, flopsColumn)!.Value * 1e6);
                Assert.True(expectedParams == Space.CountParameters(genome, dataset), $"{prefix} params, row {row}: {genome}");
                Assert.True(expectedFlops == Space.CountFlops(genome, dataset), $"{prefix} FLOPs, row {row}: {genome}");
            }
        }
    }

    [Theory]
    [InlineData(0, 129_306, 135_156, 136_456)]
    [InlineData(1, 802_426, 808_276, 809_576)]
    [InlineData(2, 559_386, 565_236, 566_536)]
    public void Params_MatchSpecTestVectors(int index, long cifar10, long cifar100, long imagenet16)
    {
        var genome = Space.FromIndex(index);
        Assert.Equal(cifar10, Space.CountParameters(genome, Dataset.Cifar10));
        Assert.Equal(cifar100, Space.CountParameters(genome, Dataset.Cifar100));
        Assert.Equal(imagenet16, Space.CountParameters(genome, Dataset.ImageNet16_120));
    }

    [Fact]
    public void Counts_EqualTheSpecClosedForms_ForEveryCell()
    {
        foreach (var genome in Space.Enumerate().Cast<Nb201Genome>())
        {
            long n3 = genome.Count(Nb201Op.Conv3x3), n1 = genome.Count(Nb201Op.Conv1x1);
            foreach (var (dataset, _) in Datasets)
            {
                long k = dataset.Classes(), h = dataset.Resolution();
                long Cell(long c) => n3 * (9 * c * c + 2 * c) + n1 * (c * c + 2 * c);
                long Res(long i, long o) => 9 * i * o + 2 * o + 9 * o * o + 2 * o + i * o;
                long parameters = 464 + 5 * Cell(16) + Res(16, 32) + 5 * Cell(32) + Res(32, 64) + 5 * Cell(64) + 128 + 64 * k + k;
                long flops = 27 * 16 * h * h + 5 * (9 * n3 + n1) * (16 * 16 * h * h + 32 * 32 * (h / 2) * (h / 2) + 64 * 64 * (h / 4) * (h / 4))
                    + (9 * 16 * 32 + 9 * 32 * 32 + 16 * 32) * (h / 2) * (h / 2) + (9 * 32 * 64 + 9 * 64 * 64 + 32 * 64) * (h / 4) * (h / 4) + 64 * k + k;
                Assert.Equal(parameters, Space.CountParameters(genome, dataset));
                Assert.Equal(flops, Space.CountFlops(genome, dataset));
            }
        }
    }

    [Fact]
    public void Flops_MatchSpecTestVectors()
    {
        Assert.Equal(15_647_370, Space.CountFlops(Space.FromIndex(0), Dataset.Cifar10));
        Assert.Equal(15_653_220, Space.CountFlops(Space.FromIndex(0), Dataset.Cifar100));
        Assert.Equal(3_919_480, Space.CountFlops(Space.FromIndex(0), Dataset.ImageNet16_120));
        Assert.Equal(220_119_690, Space.CountFlops(Space.FromIndex(1462), Dataset.Cifar10));
        Assert.Equal(1_531_546, Space.CountParameters(Space.FromIndex(1462), Dataset.Cifar10));
    }

    [Fact]
    public void ForeignGenome_IsRejectedWithItsSpaceName()
    {
        var e = Assert.Throws<ArgumentException>(() => Space.CountParameters(new ForeignGenome(), Dataset.Cifar10));
        Assert.Contains("Elsewhere", e.Message);
    }

    private sealed class ForeignGenome : Genome
    {
        public override string SpaceName => "Elsewhere";
        protected override string FormatCanonical() => "x";
    }
}
