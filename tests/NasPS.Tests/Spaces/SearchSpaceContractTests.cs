using NasPS.Randomness;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Spaces;

/// <summary>What every registered space promises through <see cref="ISearchSpace"/>.</summary>
public class SearchSpaceContractTests
{
    public static TheoryData<string> SpaceNames => [.. new[] { "NasBench201", "NatsSize", "NasBench101", "HybridEdge" }];

    [Fact]
    public void TheRegistry_HoldsTheSpacesTestedHere()
    {
        foreach (var name in new[] { "NasBench201", "NatsSize", "NasBench101" }) Assert.Contains(name, SearchSpaces.Names);
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void Operators_KeepTheContract(string name)
    {
        var space = SearchSpaces.Get(name);
        var rng = new Rng(1234);
        for (int k = 0; k < 200; k++)
        {
            var a = space.Sample(rng);
            var b = space.Sample(rng);
            Assert.Equal(name, a.SpaceName);
            Assert.Equal(a, space.Parse(a.Canonical));
            Assert.Equal(a.Hash, space.Parse(a.Canonical).Hash);
            Assert.NotEqual(a, space.Mutate(a, rng));
            var child = space.Crossover(a, b, rng);
            Assert.Equal(child, space.Parse(child.Canonical));
            foreach (var dataset in new[] { Dataset.Cifar10, Dataset.Cifar100, Dataset.ImageNet16_120 })
            {
                Assert.True(space.CountParameters(a, dataset) > 0);
                Assert.True(space.CountFlops(a, dataset) > 0);
            }
            if (space.HasOfficialIndex)
            {
                int index = space.IndexOf(a)!.Value;
                Assert.Equal(a, space.FromIndex(index));
            }
            else Assert.Null(space.IndexOf(a));
        }
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void SameSeed_SameSequence(string name)
    {
        var space = SearchSpaces.Get(name);
        static List<string> Run(ISearchSpace space, ulong seed)
        {
            var rng = new Rng(seed);
            var trace = new List<string>();
            var g = space.Sample(rng);
            for (int k = 0; k < 50; k++)
            {
                g = k % 3 == 2 ? space.Crossover(g, space.Sample(rng), rng) : space.Mutate(g, rng);
                trace.Add(g.Canonical);
            }
            return trace;
        }
        Assert.Equal(Run(space, 9), Run(space, 9));
        Assert.NotEqual(Run(space, 9), Run(space, 10));
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void ForeignGenomes_AreRejected(string name)
    {
        var space = SearchSpaces.Get(name);
        string other = name == "NatsSize" ? "NasBench201" : "NatsSize";
        var foreign = SearchSpaces.Get(other).Sample(new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => space.Mutate(foreign, new Rng(1)));
        Assert.Contains(other, e.Message);
    }
}
