using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NasPS.Analysis;
using NasPS.Reporting;
using NasPS.Search;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Reporting;

/// <summary>The SVG plots, read back as XML: well-formed, the right number of points, the statistics in the title, text escaped.</summary>
public class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(string svg) => XDocument.Parse(svg);

    private static string Title(XDocument doc) => doc.Root!.Element(Svg + "title")!.Value;

    private static IEnumerable<XElement> Group(XDocument doc, string cssClass) =>
        doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == cssClass);

    private static double TitleNumber(string title, string symbol)
    {
        var m = Regex.Match(title, Regex.Escape(symbol) + @" = (-?[0-9.]+)");
        Assert.True(m.Success, $"'{symbol}' not found in the title '{title}'.");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static List<PlotPoint> Noisy(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => new PlotPoint(i + random.NextDouble() * 30, 50 + i * 0.1 + random.NextDouble() * 5, $"arch{i}")).ToList();
    }

    [Fact]
    public void ScatterDrawsEveryPointWithTheRankCorrelationsInTheTitle()
    {
        var points = Noisy(120, 1);
        var doc = Parse(NasPlots.Scatter(points, "SedScore", "TestAccuracy"));
        Assert.Equal(120, Group(doc, "points").Single().Elements(Svg + "circle").Count());
        string title = Title(doc);
        var expected = RankCorrelation.Compare(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        Assert.Equal(expected.Spearman, TitleNumber(title, "ρ"), 4);
        Assert.Equal(expected.KendallTauB, TitleNumber(title, "τ"), 4);
        Assert.Contains("n = 120", title);
        // The visible heading (one or two lines) says the same as the document title.
        Assert.Equal(title, string.Join(": ", Group(doc, "heading").Single().Elements(Svg + "text").Select(t => t.Value)));
    }

    [Fact]
    public void AMonotoneAndAReversedRelationGivePlusAndMinusOne()
    {
        var up = Enumerable.Range(0, 10).Select(i => new PlotPoint(i, i * i)).ToList();
        var down = up.Select(p => p with { Y = -p.Y }).ToList();
        Assert.Equal(1, TitleNumber(Title(Parse(NasPlots.Scatter(up, "x", "y"))), "ρ"));
        Assert.Equal(-1, TitleNumber(Title(Parse(NasPlots.Scatter(down, "x", "y"))), "τ"));
    }

    [Fact]
    public void PointsInsideTheFrameAndTicksLabelled()
    {
        var doc = Parse(NasPlots.Scatter(Noisy(50, 2), "x", "y"));
        var frame = doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "frame");
        double left = D(frame, "x"), top = D(frame, "y"), right = left + D(frame, "width"), bottom = top + D(frame, "height");
        foreach (var c in doc.Descendants(Svg + "circle"))
        {
            Assert.InRange(D(c, "cx"), left, right);
            Assert.InRange(D(c, "cy"), top, bottom);
        }
        foreach (var axis in new[] { "axis x", "axis y" })
        {
            var labels = Group(doc, axis).Single().Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick-label").ToList();
            Assert.InRange(labels.Count, 3, 12);
            Assert.All(labels, l => double.Parse(l.Value.TrimEnd('k', 'M', 'G'), CultureInfo.InvariantCulture));
        }
    }

    private static double D(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void TextIsEscaped()
    {
        string nasty = "a<b & \"c\" 'd'>";
        var points = new List<PlotPoint> { new(1, 2, nasty), new(2, 3, nasty), new(3, 1, "ok") };
        string svg = NasPlots.Scatter(points, nasty, "y</text><script>");
        var doc = Parse(svg); // throws if anything broke the XML
        Assert.Contains(nasty, Title(doc));
        Assert.Contains("y</text><script>", Title(doc));
        Assert.Empty(doc.Descendants(Svg + "script"));
        Assert.Equal(2, doc.Descendants(Svg + "circle").Count(c => c.Element(Svg + "title")!.Value.StartsWith(nasty, StringComparison.Ordinal)));
    }

    [Fact]
    public void NonFinitePointsAreLeftOutAndNoted()
    {
        var points = Noisy(10, 3);
        points.Add(new PlotPoint(double.NegativeInfinity, 50));
        points.Add(new PlotPoint(double.NaN, 50));
        var doc = Parse(NasPlots.Scatter(points, "x", "y"));
        Assert.Equal(10, Group(doc, "points").Single().Elements(Svg + "circle").Count());
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.StartsWith("2 points with a NaN or infinite value", StringComparison.Ordinal));
        Assert.DoesNotContain("NaN", Regex.Replace(doc.ToString(), "a NaN or", ""));
    }

    [Fact]
    public void OutputIsDeterministicAndCultureIndependent()
    {
        var points = Noisy(40, 4);
        string first = NasPlots.Pareto(points, "Parameters", OptimizationDirection.Minimize, "TestAccuracy", OptimizationDirection.Maximize);
        var saved = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma (the test host runs globalization-invariant, so build one).
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal(first, NasPlots.Pareto(points, "Parameters", OptimizationDirection.Minimize, "TestAccuracy", OptimizationDirection.Maximize));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void ParetoHighlightsExactlyTheFrontAndJoinsItInXOrder()
    {
        var points = Noisy(60, 5);
        var expected = ParetoFront.Select(points.Select(p => p.X).ToArray(), OptimizationDirection.Minimize, points.Select(p => p.Y).ToArray(), OptimizationDirection.Maximize).Front;
        var doc = Parse(NasPlots.Pareto(points, "Parameters", OptimizationDirection.Minimize, "TestAccuracy", OptimizationDirection.Maximize));
        var front = Group(doc, "front").Single();
        Assert.Equal(expected.Count, front.Elements(Svg + "circle").Count());
        Assert.Equal(60 - expected.Count, Group(doc, "points").Single().Elements(Svg + "circle").Count());
        Assert.Equal(expected.Select(i => points[i].Label).Order(), front.Elements(Svg + "circle").Select(c => c.Element(Svg + "title")!.Value.Split(':')[0]).Order());
        var xs = ((string)front.Element(Svg + "polyline")!.Attribute("points")!).Split(' ').Select(p => double.Parse(p.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(expected.Count, xs.Count);
        Assert.Equal(xs.Order(), xs);
        Assert.Contains($"{expected.Count} of 60 points", Title(doc));
    }

    private static SearchResult Result(bool withAccuracy)
    {
        var space = SearchSpaces.Get("nb201");
        // Generation 0: three records, then one per generation; scores and accuracies chosen so the best changes at generation 2.
        (int Generation, double Score, double Accuracy)[] visits = [(0, 1, 80), (0, 3, 85), (0, 2, 91), (1, 2.5, 92), (2, 4, 89), (3, 1, 93)];
        var history = visits.Select((v, i) => new SearchRecord
        {
            Order = i, Architecture = space.FromIndex(i).Canonical, Hash = space.FromIndex(i).Hash, Generation = v.Generation,
            Scores = new Dictionary<string, double> { ["logsynflow"] = v.Score },
            TestAccuracy = withAccuracy ? v.Accuracy : null,
        }).ToList();
        return new SearchResult
        {
            Algorithm = "FreeRea", Space = space.Name, Dataset = "cifar10", Seed = 7, BestGenome = space.FromIndex(4), Best = history[4],
            History = history, StopReason = "budget",
        };
    }

    [Fact]
    public void ProgressSeriesFollowsTheHistory()
    {
        var series = SearchProgressSeries.From(Result(true).History);
        Assert.Equal([0, 1, 2, 3], series.Select(p => p.Generation));
        Assert.Equal([3, 4, 5, 6], series.Select(p => p.Visited));
        Assert.Equal([0.75, 0.75, 1, 1], series.Select(p => Math.Round(p.BestScore, 9)));   // normalised by the largest score, 4
        Assert.Equal([85.0, 85, 89, 89], series.Select(p => p.AnswerAccuracy!.Value));
        Assert.Equal([91.0, 92, 92, 93], series.Select(p => p.BestAccuracy!.Value));
    }

    [Fact]
    public void ProgressPlotHasAPointPerGenerationInEachSeries()
    {
        var doc = Parse(NasPlots.Progress(Result(true)));
        foreach (var series in new[] { "series-score", "series-answer", "series-oracle" })
            Assert.Equal(4, Group(doc, series).Single().Elements(Svg + "circle").Count());
        Assert.Contains("FreeRea on NasBench201 (cifar10), seed 7", Title(doc));
        Assert.Contains("answer 89.00 % test accuracy", Title(doc));

        var without = Parse(NasPlots.Progress(Result(false)));
        Assert.Equal(4, Group(without, "series-score").Single().Elements(Svg + "circle").Count());
        Assert.Empty(Group(without, "series-answer"));
    }
}
