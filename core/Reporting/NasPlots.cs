using System.Globalization;
using NasPS.Analysis;
using NasPS.Search;

namespace NasPS.Reporting;

/// <summary>One point of a plot; <paramref name="Label"/> (an architecture string, say) shows when hovering over it.</summary>
public readonly record struct PlotPoint(double X, double Y, string? Label = null);

/// <summary>
/// The plots NasPS writes, as SVG text (the caller writes the file; nothing is opened). Points with a NaN or infinite
/// coordinate cannot be placed: they are not drawn, and a note under the title says how many were left out.
/// </summary>
public static class NasPlots
{
    private const int Width = 720, Height = 480;
    private const double Left = 80, Right = 24, Top = 62, Bottom = 56;
    private const int MaxTitleLength = 80;

    /// <summary>Proxy score (x) against accuracy (y), with Spearman ρ and Kendall τ-b in the title. The statistics follow
    /// <see cref="RankCorrelation"/>'s conventions over all pairs (NaN pairs left out, ±∞ ranked as extremes), as
    /// Measure-ProxyCorrelation reports them, so the title and the cmdlet agree.</summary>
    public static string Scatter(IReadOnlyList<PlotPoint> points, string xLabel, string yLabel)
    {
        var agreement = RankCorrelation.Compare(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        string title = $"{yLabel} vs {xLabel}: Spearman ρ = {Stat(agreement.Spearman)}, Kendall τ = {Stat(agreement.KendallTauB)} (n = {agreement.Pairs})";
        var drawn = points.Where(Placeable).ToList();
        var x = LinearAxis.Fit(drawn.Select(p => p.X));
        var y = LinearAxis.Fit(drawn.Select(p => p.Y));
        var svg = Frame(title, Note(points.Count - drawn.Count), x, xLabel, y, yLabel, Top, Height - Bottom);
        svg.BeginGroup("points");
        foreach (var p in drawn) svg.Circle(PX(x, p.X), PY(y, p.Y, Top, Height - Bottom), 3, "point", Tooltip(p, xLabel, yLabel));
        svg.EndGroup();
        return svg.ToString();
    }

    /// <summary>Every point, the non-dominated ones highlighted and joined by a line in X order.</summary>
    public static string Pareto(IReadOnlyList<PlotPoint> points, string xLabel, OptimizationDirection xDirection, string yLabel, OptimizationDirection yDirection)
    {
        var selection = ParetoFront.Select(points.Select(p => p.X).ToArray(), xDirection, points.Select(p => p.Y).ToArray(), yDirection);
        var onFront = selection.Front.ToHashSet();
        string title = $"Pareto front: {yLabel} ({Word(yDirection)}) vs {xLabel} ({Word(xDirection)}), {selection.Front.Count} of {points.Count - selection.NonFinite} points";
        var drawn = points.Where(Placeable).ToList();
        var x = LinearAxis.Fit(drawn.Select(p => p.X));
        var y = LinearAxis.Fit(drawn.Select(p => p.Y));
        double top = Top, bottom = Height - Bottom;
        var svg = Frame(title, Note(selection.NonFinite), x, xLabel, y, yLabel, top, bottom);
        svg.BeginGroup("points");
        for (int i = 0; i < points.Count; i++)
            if (Placeable(points[i]) && !onFront.Contains(i)) svg.Circle(PX(x, points[i].X), PY(y, points[i].Y, top, bottom), 2.5, "dominated", Tooltip(points[i], xLabel, yLabel));
        svg.EndGroup();
        var front = selection.Front.OrderBy(i => points[i].X).ThenBy(i => points[i].Y).ToList();
        svg.BeginGroup("front");
        svg.Polyline(front.Select(i => (PX(x, points[i].X), PY(y, points[i].Y, top, bottom))), "front-line");
        foreach (int i in front) svg.Circle(PX(x, points[i].X), PY(y, points[i].Y, top, bottom), 4, "front-point", Tooltip(points[i], xLabel, yLabel));
        svg.EndGroup();
        return svg.ToString();
    }

    /// <summary>A search's progress per generation (<see cref="SearchProgressSeries"/>): the best score, and, when the
    /// history has benchmark accuracies, a second panel with the current answer's accuracy and the best accuracy visited.</summary>
    public static string Progress(SearchResult result) =>
        Progress(result.History, $"{result.Algorithm} on {result.Space} ({result.Dataset}), seed {result.Seed}");

    public static string Progress(IReadOnlyList<SearchRecord> history, string caption)
    {
        var series = SearchProgressSeries.From(history);
        bool hasAccuracy = series.Any(p => p.BestAccuracy is not null);
        var last = series.Count > 0 ? series[^1] : null;
        string title = $"{caption}: best score per generation" +
                       (last?.AnswerAccuracy is double acc ? $", answer {acc.ToString("F2", CultureInfo.InvariantCulture)} % test accuracy" : "");
        var x = LinearAxis.Fit(series.Select(p => (double)p.Generation));
        double scoreBottom = hasAccuracy ? Top + (Height - Top - Bottom) * 0.45 : Height - Bottom;
        var scoreAxis = LinearAxis.Fit(series.Select(p => p.BestScore));
        var svg = Frame(title, series.Count == 0 ? "the history is empty" : null, x, "generation", scoreAxis, "best score", Top, scoreBottom, xAxisLabels: !hasAccuracy);
        Series(svg, series.Select(p => ((double)p.Generation, p.BestScore, (string?)p.BestArchitecture)), x, scoreAxis, Top, scoreBottom, "series-score");
        if (hasAccuracy)
        {
            double accTop = scoreBottom + 28, accBottom = Height - Bottom;
            var accAxis = LinearAxis.Fit(series.SelectMany(p => new[] { p.AnswerAccuracy ?? double.NaN, p.BestAccuracy ?? double.NaN }));
            Axes(svg, x, "generation", accAxis, "test accuracy (%)", accTop, accBottom, xAxisLabels: true);
            Series(svg, series.Where(p => p.AnswerAccuracy is not null).Select(p => ((double)p.Generation, p.AnswerAccuracy!.Value, (string?)p.BestArchitecture)), x, accAxis, accTop, accBottom, "series-answer");
            Series(svg, series.Where(p => p.BestAccuracy is not null).Select(p => ((double)p.Generation, p.BestAccuracy!.Value, (string?)null)), x, accAxis, accTop, accBottom, "series-oracle");
            svg.Text(Width - Right - 8, accBottom - 8, "answer's accuracy (solid), best visited (dashed)", "note", "end");
        }
        return svg.ToString();
    }

    private static void Series(SvgCanvas svg, IEnumerable<(double X, double Y, string? Label)> points, LinearAxis x, LinearAxis y, double top, double bottom, string cssClass)
    {
        var list = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        svg.BeginGroup(cssClass);
        svg.Polyline(list.Select(p => (PX(x, p.X), PY(y, p.Y, top, bottom))), cssClass);
        foreach (var p in list)
            svg.Circle(PX(x, p.X), PY(y, p.Y, top, bottom), 2.5, cssClass,
                $"generation {Stat(p.X)}: {Stat(p.Y)}" + (p.Label is null ? "" : " " + p.Label));
        svg.EndGroup();
    }

    private static SvgCanvas Frame(string title, string? note, LinearAxis x, string xLabel, LinearAxis y, string yLabel, double top, double bottom, bool xAxisLabels = true)
    {
        var svg = new SvgCanvas(Width, Height, title);
        // A long title is shown on two lines, split after its first ": " (the document <title> keeps it whole).
        int split = title.IndexOf(": ", StringComparison.Ordinal);
        bool twoLines = title.Length > MaxTitleLength && split > 0;
        svg.BeginGroup("heading");
        svg.Text(Width / 2.0, 20, twoLines ? title[..split] : title, "title", "middle");
        if (twoLines) svg.Text(Width / 2.0, 37, title[(split + 2)..], "title", "middle");
        svg.EndGroup();
        if (note is not null) svg.Text(Width / 2.0, twoLines ? 53 : 40, note, "note", "middle");
        Axes(svg, x, xLabel, y, yLabel, top, bottom, xAxisLabels);
        return svg;
    }

    private static void Axes(SvgCanvas svg, LinearAxis x, string xLabel, LinearAxis y, string yLabel, double top, double bottom, bool xAxisLabels)
    {
        double left = Left, right = Width - Right;
        svg.BeginGroup("axis x");
        foreach (double t in x.Ticks())
        {
            double px = PX(x, t);
            svg.Line(px, top, px, bottom, "grid");
            svg.Line(px, bottom, px, bottom + 5, "tick");
            if (xAxisLabels) svg.Text(px, bottom + 18, x.Label(t), "tick-label", "middle");
        }
        if (xAxisLabels) svg.Text((left + right) / 2, bottom + 40, xLabel, "axis-label", "middle");
        svg.EndGroup();
        svg.BeginGroup("axis y");
        foreach (double t in y.Ticks())
        {
            double py = PY(y, t, top, bottom);
            svg.Line(left, py, right, py, "grid");
            svg.Line(left - 5, py, left, py, "tick");
            svg.Text(left - 8, py + 4, y.Label(t), "tick-label", "end");
        }
        svg.Text(18, (top + bottom) / 2, yLabel, "axis-label", "middle", -90);
        svg.EndGroup();
        svg.Rect(left, top, right - left, bottom - top, "frame");
    }

    private static double PX(LinearAxis x, double v) => x.Map(v, Left, Width - Right);

    private static double PY(LinearAxis y, double v, double top, double bottom) => y.Map(v, bottom, top);

    private static bool Placeable(PlotPoint p) => double.IsFinite(p.X) && double.IsFinite(p.Y);

    private static string? Note(int leftOut) =>
        leftOut == 0 ? null : $"{leftOut} point{(leftOut == 1 ? "" : "s")} with a NaN or infinite value not drawn";

    private static string Tooltip(PlotPoint p, string xLabel, string yLabel) =>
        (p.Label is null ? "" : p.Label + ": ") + $"{xLabel} = {Stat(p.X)}, {yLabel} = {Stat(p.Y)}";

    private static string Word(OptimizationDirection d) => d == OptimizationDirection.Maximize ? "higher is better" : "lower is better";

    /// <summary>Four decimals, invariant; "undefined" for NaN (e.g. a constant score has no rank correlation).</summary>
    internal static string Stat(double v) => double.IsNaN(v) ? "undefined" : v.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>The pictures Export-NasPlot and `nasps plot` draw.</summary>
public enum NasPlotKind
{
    /// <summary>A score against accuracy, with the rank correlations in the title.</summary>
    Scatter,
    /// <summary>A search's best score (and accuracy) per generation.</summary>
    Progress,
    /// <summary>All points with the Pareto front of two objectives highlighted.</summary>
    Pareto,
}
