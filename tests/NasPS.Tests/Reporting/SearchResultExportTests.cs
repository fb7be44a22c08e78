using System.Text.Json;
using NasPS.IO;
using NasPS.Reporting;
using NasPS.Search;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Reporting;

public class SearchResultExportTests
{
    private static SearchResult Result(ulong seed)
    {
        var space = SearchSpaces.Get("nb201");
        var history = Enumerable.Range(0, 5).Select(i => new SearchRecord
        {
            Order = i, Architecture = space.FromIndex(i * 100).Canonical, Index = i * 100, Hash = space.FromIndex(i * 100).Hash,
            Generation = Math.Max(0, i - 2), Phase = i == 1 ? "cycle 1, \"size\"" : null, Parameters = 1000 + i, Flops = 2000 + i,
            Scores = new Dictionary<string, double> { ["naswot"] = 1500.25 + i, ["logsynflow"] = i == 3 ? double.NegativeInfinity : 0.1 * i },
            CostSeconds = 0.5, TestAccuracy = i == 2 ? null : 90 + i,
        }).ToList();
        return new SearchResult
        {
            Algorithm = "FreeRea", Space = space.Name, Dataset = "cifar10", Seed = seed, BestGenome = space.FromIndex(400), Best = history[4],
            History = history, Steps = 3, ProxyCostSeconds = 2.5, Elapsed = TimeSpan.FromSeconds(1.5), BudgetUsedMinutes = 0.04, StopReason = "budget",
        };
    }

    [Fact]
    public void JsonHoldsTheAnswerAndTheWholeHistory()
    {
        using var doc = JsonDocument.Parse(SearchResultExport.Write([Result(3)], SearchResultFormat.Json));
        var root = doc.RootElement;
        Assert.Equal("FreeRea", root.GetProperty("algorithm").GetString());
        Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(5, root.GetProperty("history").GetArrayLength());
        Assert.Equal(400, root.GetProperty("best").GetProperty("index").GetInt64());
        var third = root.GetProperty("history")[3];
        Assert.Equal("-inf", third.GetProperty("scores").GetProperty("logsynflow").GetString());
        Assert.Equal(1503.25, third.GetProperty("scores").GetProperty("naswot").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("history")[2].GetProperty("test_accuracy").ValueKind);
    }

    [Fact]
    public void SeveralResultsMakeAJsonArray()
    {
        using var doc = JsonDocument.Parse(SearchResultExport.Write([Result(1), Result(2)], SearchResultFormat.Json));
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        Assert.Equal([1UL, 2UL], doc.RootElement.EnumerateArray().Select(r => r.GetProperty("seed").GetUInt64()));
    }

    [Fact]
    public void CsvHasARowPerVisitMarksTheAnswerAndReadsBack()
    {
        var result = Result(9);
        string csv = SearchResultExport.Write([result], SearchResultFormat.Csv);
        var table = CsvTable.Parse(new StringReader(csv), "export");
        Assert.Equal(5, table.Rows.Count);
        Assert.Equal([.. SearchResultExport.CsvFixedColumns, "naswot", "logsynflow"], table.Header);
        Assert.Equal(["false", "false", "false", "false", "true"], Enumerable.Range(0, 5).Select(r => table.Text(r, table.Column("is_best"))));
        Assert.Equal("cycle 1, \"size\"", table.Text(1, table.Column("phase")));   // quoted and unquoted correctly

        var back = SearchResultExport.ReadHistoryCsv(table);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(result.History[i].Architecture, back[i].Architecture);
            Assert.Equal(result.History[i].Generation, back[i].Generation);
            Assert.Equal(result.History[i].Index, back[i].Index);
            Assert.Equal(result.History[i].TestAccuracy, back[i].TestAccuracy);
            Assert.Equal(result.History[i].Scores["logsynflow"], back[i].Scores["logsynflow"]);
            Assert.Equal(result.History[i].Phase, back[i].Phase);
        }
    }

    [Fact]
    public void ReadingSomethingElseNamesTheMissingColumn()
    {
        var table = CsvTable.Parse(new StringReader("index,arch\n0,x\n"), "scores.csv");
        var e = Assert.Throws<InvalidDataException>(() => SearchResultExport.ReadHistoryCsv(table));
        Assert.Contains("scores.csv", e.Message);
        Assert.Contains("'order'", e.Message);
    }
}
