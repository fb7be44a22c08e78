using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Foundation;

public class DatasetTests
{
    [Theory]
    [InlineData("cifar10", Dataset.Cifar10, 10, 32)]
    [InlineData("CIFAR-100", Dataset.Cifar100, 100, 32)]
    [InlineData("ImageNet16-120", Dataset.ImageNet16_120, 120, 16)]
    public void NamesMapToClassesAndResolution(string name, Dataset expected, int classes, int resolution)
    {
        var d = DatasetInfo.Parse(name);
        Assert.Equal(expected, d);
        Assert.Equal(classes, d.Classes());
        Assert.Equal(resolution, d.Resolution());
        Assert.Equal(d, DatasetInfo.Parse(d.ShortName()));
    }

    [Fact]
    public void AnUnknownDatasetListsTheKnownOnes() =>
        Assert.Contains("cifar10, cifar100, imagenet16", Assert.Throws<ArgumentException>(() => DatasetInfo.Parse("svhn")).Message);

    [Fact]
    public void GenomeHashesAreStableAndDistinguishArchitectures()
    {
        var a = Nb201Genome.FromGenerationPosition(13931);
        Assert.Equal("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", a.Canonical);
        Assert.Equal(a.Hash, Nb201Genome.FromGenerationPosition(13931).Hash);
        Assert.NotEqual(a.Hash, Nb201Genome.FromGenerationPosition(13930).Hash);
        // FNV-1a 64 of a fixed text, computed independently: guards against an accidental change of the hash function.
        Assert.Equal(0xcbf29ce484222325UL, StableHash.Of(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, StableHash.Of("a"));
    }
}
