using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Spaces;

public class NasBench201IndexTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;

    [Fact]
    public void Enumerate_FollowsTheOfficialIndexFile_OnEveryLine()
    {
        string[] expected = Nb201Reference.IndexToArch;
        Assert.Equal(15625, expected.Length);
        int index = 0;
        foreach (var genome in Space.Enumerate())
        {
            Assert.True(expected[index] == genome.Canonical, $"index {index}: expected {expected[index]}, got {genome.Canonical}");
            index++;
        }
        Assert.Equal(15625, index);
    }

    [Fact]
    public void IndexOf_And_FromIndex_AreInverse_AndParseRoundTrips_ForEveryArchitecture()
    {
        string[] lines = Nb201Reference.IndexToArch;
        for (int index = 0; index < lines.Length; index++)
        {
            var parsed = Space.Parse(lines[index]);
            Assert.Equal(lines[index], parsed.Canonical);
            Assert.Equal(index, Space.IndexOf(parsed));
            Assert.Equal(parsed, Space.FromIndex(index));
        }
    }

    [Fact]
    public void OfficialAsserts_Hold()
    {
        Assert.Equal("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", Space.FromIndex(0).Canonical);
        Assert.Equal(13931, Space.FromIndex(0).GenerationPosition);
        Assert.Equal("|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", Space.FromIndex(9).Canonical);
        Assert.Equal("|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|", Space.FromIndex(123).Canonical);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(15625L)]
    public void FromIndex_OutOfRange_Throws(long index)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Space.FromIndex(index));
        Assert.Contains("0..15624", e.Message);
    }

    [Fact]
    public void Space_IsRegistered_UnderItsNameAndAliases()
    {
        foreach (var name in new[] { "NasBench201", "nb201", "nats-tss", "NATS-TSS", "nasbench201" })
            Assert.Same(Space, SearchSpaces.Get(name));
        Assert.Contains("NasBench201", SearchSpaces.Names);
        Assert.True(Space.HasOfficialIndex);
        Assert.Equal(15625, Space.Count);
    }

    [Fact]
    public void NaslibEncoding_MatchesTheCsvColumn_ForEveryRow()
    {
        var table = Nb201Reference.Table;
        int arch = table.Column("arch"), naslib = table.Column("naslib_ops"), idx = table.Column("index");
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var genome = Space.Parse(table.Text(row, arch));
            string code = table.Text(row, naslib);
            Assert.True(code == genome.ToNaslib(), $"index {table.Text(row, idx)}: expected {code}, got {genome.ToNaslib()}");
            Assert.Equal(genome, Nb201Genome.FromNaslib(code));
            Assert.Equal(genome, Space.Parse(code));
        }
    }
}
