using NasPS.Randomness;
using NasPS.Search.Cyclic;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using Xunit;

namespace NasPS.Tests.HybridEdge;

public class HybridEdgeSpaceTests
{
    private const string Example = "stem16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn_dw:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768";
    private static readonly HybridEdgeSpace Space = HybridEdgeSpace.Instance;

    [Fact]
    public void Registry_FindsTheSpaceByNameAndAlias()
    {
        Assert.Same(Space, SearchSpaces.Get("HybridEdge"));
        Assert.Same(Space, SearchSpaces.Get("hybrid"));
        Assert.Equal(224, Space.Resolution);
        Assert.Equal(1000, Space.Classes);
    }

    [Fact]
    public void Parse_ReadsEveryField_AndPrintsTheSameString()
    {
        var g = Space.Parse("  " + Example + " ");
        Assert.Equal(Example, g.Canonical);
        Assert.Equal(16, g.StemWidth);
        Assert.Equal(768, g.HeadWidth);
        Assert.Equal(new HybridStage(HybridBlock.MB5SE, 3, 48, 4, 1, 2), g.Stages[1]);
        Assert.Equal(new HybridStage(HybridBlock.AttentionConv, 2, 96, 4, 2, 2), g.Stages[2]);
        Assert.Equal(new HybridStage(HybridBlock.Attention, 2, 160, 4, 4, 2), g.Stages[3]);
        Assert.Equal(g, SearchSpaces.ParseAny(Example).Genome);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("stem16|mb3:d2:w24:e4|head768", "3 '|'-separated")]
    [InlineData("stem17|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768", "stem width 17")]
    [InlineData("stm16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768", "token 1 'stm16'")]
    [InlineData("stem16|mb4:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768", "unknown block 'mb4'")]
    [InlineData("stem16|attn:d2:w24:e4:h2:m2|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768", "stage 1 ('attn:d2:w24:e4:h2:m2'): block 'attn' is not allowed")]
    [InlineData("stem16|mb3:d2:w24:e4|mb5se:d3:w48|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768", "stage 2 ('mb5se:d3:w48')")]
    [InlineData("stem16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:h3:m2|attn:d2:w160:e4:h4:m2|head768", "heads 3")]
    [InlineData("stem16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:m2:h2|attn:d2:w160:e4:h4:m2|head768", "should start with 'h'")]
    [InlineData("stem16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d9:w160:e4:h4:m2|head768", "depth 9")]
    [InlineData("stem16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768x", "'768x' is not a whole number")]
    [InlineData("stem16|mb3:d2:w24:e4:h2:m2|mb5se:d3:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768", "has 4 ':'-separated fields")]
    public void Parse_RejectsBadStrings_NamingTheProblem(string text, string expected)
    {
        var e = Assert.Throws<ArchitectureFormatException>(() => Space.Parse(text));
        Assert.Contains(expected, e.Problem);
        Assert.Equal("HybridEdge", e.Space);
    }

    [Fact]
    public void Sample_IsUniformOverArchitectures_ByStageBlockShare()
    {
        // Stage 3: each MBConv type has 4·4·4 = 64 size settings, each attention type 64·3·3 = 576: P(attention) = 1152/1536.
        var rng = new Rng(5);
        int n = 6000, attention = 0;
        for (int i = 0; i < n; i++) attention += Space.Sample(rng).Stages[2].Block.IsAttention() ? 1 : 0;
        double expected = 1152.0 / 1536.0, sd = Math.Sqrt(expected * (1 - expected) / n);
        Assert.InRange(attention / (double)n, expected - 4 * sd, expected + 4 * sd);
        Assert.Equal(3L * 3 * 216 * 288 * 1536 * 1920, HybridEdgeSpace.ArchitectureCount);
    }

    [Fact]
    public void Mutate_ChangesExactlyOneUsedGene()
    {
        var rng = new Rng(11);
        for (int k = 0; k < 300; k++)
        {
            var g = Space.Sample(rng);
            var m = Space.Mutate(g, rng);
            var (t0, s0) = HybridEdgeSpace.Genes(g);
            var (t1, s1) = HybridEdgeSpace.Genes(m);
            int topologyChanges = t0.Zip(t1).Count(p => p.First != p.Second);
            // Heads and MLP ratio of a stage that leaves attention reset to their defaults: unused genes, not choices.
            int sizeChanges = Enumerable.Range(0, s0.Length)
                .Count(i => s0[i] != s1[i] && HybridEdgeSpace.IsSizeGeneActive(t0, i) && HybridEdgeSpace.IsSizeGeneActive(t1, i));
            Assert.Equal(1, topologyChanges + sizeChanges);
            if (sizeChanges == 1)
                Assert.True(HybridEdgeSpace.IsSizeGeneActive(t0, Enumerable.Range(0, s0.Length).First(i => s0[i] != s1[i])));
        }
    }

    [Fact]
    public void Crossover_TakesEveryGeneFromAParent()
    {
        var rng = new Rng(3);
        for (int k = 0; k < 200; k++)
        {
            var a = Space.Sample(rng);
            var b = Space.Sample(rng);
            var (tc, sc) = HybridEdgeSpace.Genes(Space.Crossover(a, b, rng));
            var (ta, sa) = HybridEdgeSpace.Genes(a);
            var (tb, sb) = HybridEdgeSpace.Genes(b);
            for (int i = 0; i < tc.Length; i++) Assert.True(tc[i] == ta[i] || tc[i] == tb[i]);
            for (int i = 0; i < sc.Length; i++)
                Assert.True(sc[i] == sa[i] || sc[i] == sb[i] || !HybridEdgeSpace.IsSizeGeneActive(tc, i));
        }
    }

    [Fact]
    public void FactoredSpace_SplitJoinRoundTrips_AndHeadsAreUsedOnlyByAttention()
    {
        var factored = new HybridEdgeFactoredSpace(Space);
        var rng = new Rng(8);
        for (int k = 0; k < 200; k++)
        {
            var g = Space.Sample(rng);
            var (topology, size) = factored.Split(g);
            Assert.Equal(g, factored.Join(topology, size));
        }
        var example = Space.Parse(Example);
        var (t, _) = factored.Split(example);
        int Heads(int stage) => 2 + HybridEdgeSpace.StageGenes * stage + 3;
        Assert.False(factored.IsSizeGeneActive(t, Heads(0)));
        Assert.False(factored.IsSizeGeneActive(t, Heads(1)));
        Assert.True(factored.IsSizeGeneActive(t, Heads(2)));
        Assert.True(factored.IsSizeGeneActive(t, Heads(3)));
        Assert.True(factored.IsSizeGeneActive(t, 2)); // stage 1 depth
    }

    [Fact]
    public void Setting_ChangesMacsButNotParametersExceptTheClassifier()
    {
        var at224 = HybridEdgeSpace.Instance;
        var at112 = HybridEdgeSpace.With(112, 1000);
        var tenClasses = HybridEdgeSpace.With(224, 10);
        var g = at224.Parse(Example);
        Assert.Equal(112, at112.Parse(Example).Resolution);
        Assert.Equal(at224.CountParameters(g, Dataset.Cifar10), at112.CountParameters(g, Dataset.Cifar10));
        Assert.Equal(at224.CountParameters(g, Dataset.Cifar10), at224.CountParameters(g, Dataset.ImageNet16_120));
        Assert.True(at112.CountFlops(g, Dataset.Cifar10) < at224.CountFlops(g, Dataset.Cifar10) / 3);
        Assert.Equal(at224.CountParameters(g, Dataset.Cifar10) - 990L * (768 + 1), tenClasses.CountParameters(g, Dataset.Cifar10));
        Assert.Throws<ArgumentOutOfRangeException>(() => HybridEdgeSpace.With(16, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => HybridEdgeSpace.With(224, 0));
    }
}
