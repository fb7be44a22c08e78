using NasPS.Cmdlets;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Cmdlets;

/// <summary>The logic the cmdlets' parameter attributes carry (the cmdlets themselves only bind and write).</summary>
public class ParameterLogicTests
{
    [Theory]
    [InlineData("nb201", "NasBench201")]
    [InlineData("NASBENCH201", "NasBench201")]
    [InlineData("nats-sss", "NatsSize")]
    public void ASpaceNameOrAliasBecomesTheSpace(string input, string expected) =>
        Assert.Equal(expected, SearchSpaceTransformationAttribute.ToSpaceInfo(input).Name);

    [Fact]
    public void ASpaceInfoPassesThrough()
    {
        var info = SearchSpaceInfo.From(SearchSpaces.Get("nb201"));
        Assert.Same(info, SearchSpaceTransformationAttribute.ToSpaceInfo(info));
    }

    [Fact]
    public void AnUnknownSpaceNamesTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => SearchSpaceTransformationAttribute.ToSpaceInfo("nb301"));
        Assert.Contains("'nb301'", e.Message);
        Assert.Contains("NasBench201", e.Message);
    }

    [Fact]
    public void ANonSpaceObjectIsRejectedWithItsValue()
    {
        var e = Assert.Throws<ArgumentException>(() => SearchSpaceTransformationAttribute.ToSpaceInfo(42));
        Assert.Contains("'42'", e.Message);
    }

    [Theory]
    [InlineData("cifar10")]
    [InlineData("CIFAR100")]
    [InlineData("ImageNet16-120")]
    [InlineData("imagenet16")]
    public void KnownDatasetsValidate(string name) => ValidateDatasetAttribute.Check(name);

    [Theory]
    [InlineData("mnist")]
    [InlineData("")]
    public void UnknownDatasetsFailWithTheValidNames(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ValidateDatasetAttribute.Check(name));
        Assert.Contains("cifar10, cifar100, imagenet16", e.Message);
    }

    [Fact]
    public void CompletersOfferMatchingNamesByPrefix()
    {
        Assert.Equal(["NasBench201"], new SearchSpaceNameCompleter().Matches("nasbench2").ToList());
        Assert.Contains("NasBench101", new SearchSpaceNameCompleter().Matches("NAS"));
        Assert.Equal(["cifar10", "cifar100"], new DatasetNameCompleter().Matches("CIF").ToList());
        Assert.Equal(DatasetInfo.Names, new DatasetNameCompleter().Matches("").ToList());
        Assert.Empty(new DatasetNameCompleter().Matches("x"));
    }
}
