using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Spaces;

public class NasBench201ParseTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;
    private const string Valid = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    [Fact]
    public void Parse_ReadsEdgesInStringOrder()
    {
        var g = Space.Parse("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|nor_conv_3x3~1|skip_connect~2|");
        Assert.Equal([Nb201Op.AvgPool3x3, Nb201Op.Conv1x1, Nb201Op.SkipConnect, Nb201Op.None, Nb201Op.Conv3x3, Nb201Op.SkipConnect], g.Ops);
    }

    [Fact]
    public void Parse_TrimsSurroundingBlanks_Only()
    {
        Assert.Equal(Valid, Space.Parse("  " + Valid + "\n").Canonical);
    }

    /// <summary>Each malformed string and a fragment its message must contain.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "   ", "empty" },
        { "|nor_conv_5x5~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "unknown operation 'nor_conv_5x5'" },
        { "|conv~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "valid operations: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3" },
        { "|nor_conv_3x3|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "edge 'nor_conv_3x3' of node 1 has no '~source'" },
        { "|nor_conv_3x3~|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "has no source node after '~'" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~1|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "edge 1 of node 2 must come from node 0" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~3|", "edge 3 of node 3 must come from node 2 ('~2'), but 'nor_conv_3x3~3' says '~3'" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "node 3 is missing" },
        { "|nor_conv_3x3~0|", "it has 1 node group(s)" },
        { Valid + "+|none~0|none~1|none~2|none~3|", "group 4 is extra" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "node 2 has 1 incoming edge(s) but needs exactly 2 (from nodes 0, 1): an edge is missing" },
        { "|nor_conv_3x3~0|none~1|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "node 1 has 2 incoming edge(s) but needs exactly 1 (from node 0): there is an extra edge" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|", "node 3 has 2 incoming edge(s)" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0||+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "node 2 has an empty edge" },
        { "nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "must start with '|'" },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2", "must end with '|'" },
        { "|nor_conv_3x3~0+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "'+' is misplaced near node group 1" },
        { "|nor_conv_3x3~0|+nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "'+' is misplaced near node group 2" },
        { "|nor_conv_3x3~0|++|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "node group 2 is empty" },
        { "|nor_conv_3x3~0|nor_conv_3x3~0|nor_conv_3x3~1|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "it has 1 node group(s)" },
        { "|+|+|", "node 1's group '|' holds no edge" },
        { "43300", "a NASLib encoding has 6 digits, this one has 5" },
        { "4330007", "a NASLib encoding has 6 digits, this one has 7" },
        { "433050", "NASLib digit 5 is '5'" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_GivesASpecificMessage(string text, string fragment)
    {
        var e = Assert.Throws<ArchitectureFormatException>(() => Space.Parse(text));
        Assert.Contains(fragment, e.Message);
        Assert.Equal("NasBench201", e.Space);
        Assert.Contains("is not a NasBench201 architecture", e.Message);
    }

    [Fact]
    public void Parse_Null_IsRejected()
    {
        var e = Assert.Throws<ArchitectureFormatException>(() => Space.Parse(null!));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void NaslibExample_FromTheDataReadme()
    {
        var g = Space.Parse("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
        Assert.Equal("433000", g.ToNaslib());
        Assert.Equal(0, Space.IndexOf(Space.Parse("433000")));
    }
}
