using NasPS.IO;
using Xunit;

namespace NasPS.Tests.Foundation;

public class CsvTableTests
{
    private static CsvTable Parse(string text) => CsvTable.Parse(new StringReader(text), "t.csv");

    [Fact]
    public void QuotedFieldsKeepCommasQuotesAndNewlines()
    {
        var t = Parse("a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3\r\n");
        Assert.Equal(["a", "b", "c"], t.Header);
        Assert.Equal(["x,y", "say \"hi\"", "two\nlines"], t.Rows[0]);
        Assert.Equal("", t.Text(1, 1));
        Assert.Equal(4, t.LineNumbers[1]);
    }

    [Fact]
    public void NumbersIncludeInfinitiesAndEmptyMeansNoValue()
    {
        var t = Parse("v\n1.5\n-inf\ninf\n\"\"\n");
        Assert.Equal(1.5, t.Double(0, 0));
        Assert.Equal(double.NegativeInfinity, t.Double(1, 0));
        Assert.Equal(double.PositiveInfinity, t.Double(2, 0));
        Assert.Null(t.Double(3, 0));
    }

    [Fact]
    public void TextColumnsKeepLeadingZeros() => Assert.Equal("023231", Parse("naslib_ops\n023231\n").Text(0, 0));

    [Theory]
    [InlineData("a,b\n1\n", "line 2: 1 fields, but the header has 2")]
    [InlineData("a\n\"open\n", "line 2: a quoted field is not closed")]
    [InlineData("a\nx\"y\n", "line 2: a quote inside an unquoted field")]
    [InlineData("", "the file is empty")]
    [InlineData("a,a\n1,2\n", "column 'a' appears twice")]
    public void MalformedFilesNameTheFileAndLine(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Parse(text));
        Assert.Contains("t.csv", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadCellsAndMissingColumnsNameTheColumn()
    {
        var t = Parse("x,y\n1,abc\n");
        var e = Assert.Throws<InvalidDataException>(() => t.Double(0, t.Column("y")));
        Assert.Contains("line 2, column 'y': 'abc' is not a number", e.Message);
        var missing = Assert.Throws<InvalidDataException>(() => t.Column("z"));
        Assert.Contains("no column named 'z'", missing.Message);
    }

    [Fact]
    public void TheSharedBenchmarkTableLoadsWhole()
    {
        var t = CsvTable.Load(SharedData.Path("nb201/nb201.csv"));
        Assert.Equal(15625, t.Rows.Count);
        Assert.Equal("433000", t.Text(0, t.Column("naslib_ops")));
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CsvTable.Load("/nonexistent/x.csv"));
        Assert.Contains("/nonexistent/x.csv", e.Message);
    }
}
