using System.Globalization;
using System.Text;

namespace NasPS.Reporting;

/// <summary>
/// A minimal hand-written SVG 1.1 writer: what the plots need and nothing more. Output is deterministic (invariant
/// culture, coordinates rounded to 0.01 px, elements in call order) and every piece of text is XML-escaped.
/// </summary>
internal sealed class SvgCanvas
{
    private readonly StringBuilder _body = new();
    private readonly int _width, _height;
    private readonly string _title;

    public SvgCanvas(int width, int height, string title)
    {
        (_width, _height, _title) = (width, height, title);
    }

    public int Width => _width;
    public int Height => _height;

    /// <summary>Text content and attribute values: &amp;, &lt;, &gt; and both quotes escaped; characters XML 1.0 forbids dropped.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                case '\t' or '\n' or '\r': sb.Append(' '); break;
                case < ' ': break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A coordinate: at most two decimals, '.' as the separator whatever the current culture.</summary>
    public static string Num(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public void BeginGroup(string cssClass) => _body.Append("<g class=\"").Append(Escape(cssClass)).Append("\">\n");

    public void EndGroup() => _body.Append("</g>\n");

    public void Line(double x1, double y1, double x2, double y2, string cssClass) =>
        _body.Append($"<line class=\"{Escape(cssClass)}\" x1=\"{Num(x1)}\" y1=\"{Num(y1)}\" x2=\"{Num(x2)}\" y2=\"{Num(y2)}\"/>\n");

    public void Rect(double x, double y, double width, double height, string cssClass) =>
        _body.Append($"<rect class=\"{Escape(cssClass)}\" x=\"{Num(x)}\" y=\"{Num(y)}\" width=\"{Num(width)}\" height=\"{Num(height)}\"/>\n");

    /// <summary>A dot; <paramref name="tooltip"/> becomes its SVG &lt;title&gt;, which viewers show on hover.</summary>
    public void Circle(double cx, double cy, double r, string cssClass, string? tooltip)
    {
        _body.Append($"<circle class=\"{Escape(cssClass)}\" cx=\"{Num(cx)}\" cy=\"{Num(cy)}\" r=\"{Num(r)}\"");
        if (tooltip is null) _body.Append("/>\n");
        else _body.Append("><title>").Append(Escape(tooltip)).Append("</title></circle>\n");
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string cssClass) =>
        _body.Append($"<polyline class=\"{Escape(cssClass)}\" points=\"{string.Join(' ', points.Select(p => Num(p.X) + "," + Num(p.Y)))}\"/>\n");

    /// <param name="anchor">start, middle or end.</param>
    /// <param name="rotate">Degrees about (x, y); vertical axis labels use −90.</param>
    public void Text(double x, double y, string text, string cssClass, string anchor = "start", double rotate = 0)
    {
        _body.Append($"<text class=\"{Escape(cssClass)}\" x=\"{Num(x)}\" y=\"{Num(y)}\" text-anchor=\"{anchor}\"");
        if (rotate != 0) _body.Append($" transform=\"rotate({Num(rotate)} {Num(x)} {Num(y)})\"");
        _body.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    public override string ToString() =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{_width}\" height=\"{_height}\" viewBox=\"0 0 {_width} {_height}\">\n" +
        $"<title>{Escape(_title)}</title>\n" +
        "<style>\n" +
        "text { font-family: sans-serif; font-size: 12px; fill: #222; }\n" +
        ".title { font-size: 14px; font-weight: bold; }\n" +
        ".note { font-size: 11px; fill: #666; }\n" +
        ".frame { fill: none; stroke: #444; }\n" +
        ".grid { stroke: #e4e4e4; }\n" +
        ".tick { stroke: #444; }\n" +
        ".point { fill: #1f77b4; fill-opacity: 0.55; }\n" +
        ".dominated { fill: #999; fill-opacity: 0.45; }\n" +
        ".front-point { fill: #d62728; }\n" +
        ".front-line { fill: none; stroke: #d62728; stroke-width: 1.5; }\n" +
        ".series-score { fill: none; stroke: #1f77b4; stroke-width: 1.5; }\n" +
        ".series-answer { fill: none; stroke: #2ca02c; stroke-width: 1.5; }\n" +
        ".series-oracle { fill: none; stroke: #ff7f0e; stroke-width: 1.5; stroke-dasharray: 5 3; }\n" +
        "circle.series-score { fill: #1f77b4; stroke: none; } circle.series-answer { fill: #2ca02c; stroke: none; } circle.series-oracle { fill: #ff7f0e; stroke: none; }\n" +
        "</style>\n" +
        "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"white\"/>\n" +
        _body +
        "</svg>\n";
}
