using System.Management.Automation;
using NasPS.Analysis;
using NasPS.Reporting;
using NasPS.Search;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// Passes on the objects that are Pareto-optimal in two numeric properties, each maximised or minimised (by default
/// -X is a cost to minimise and -Y a quality to maximise). Objects keep their order of arrival. An object without a
/// numeric -X or -Y gets a non-terminating NasPS.PropertyNotNumeric error; NaN and infinite values take no part
/// (see <see cref="ParetoFront"/>), and a warning says how many.
/// </summary>
[Cmdlet(VerbsCommon.Select, "ParetoFront")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class SelectParetoFrontCommand : PSCmdlet
{
    private readonly List<(PSObject Item, double X, double Y)> _items = [];

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The first objective, e.g. Parameters.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(PropertyNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string X { get; set; } = "";

    /// <summary>The second objective, e.g. TestAccuracy or a proxy score.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(PropertyNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Y { get; set; } = "";

    [Parameter]
    public OptimizationDirection XDirection { get; set; } = OptimizationDirection.Minimize;

    [Parameter]
    public OptimizationDirection YDirection { get; set; } = OptimizationDirection.Maximize;

    protected override void ProcessRecord()
    {
        if (ReportingObjects.Point(this, InputObject!, X, Y) is { } point) _items.Add((InputObject!, point.X, point.Y));
    }

    protected override void EndProcessing()
    {
        WriteVerbose($"Finding the objects no other beats in both {X} ({XDirection}) and {Y} ({YDirection}) among {_items.Count}.");
        var selection = ParetoFront.Select(_items.Select(i => i.X).ToArray(), XDirection, _items.Select(i => i.Y).ToArray(), YDirection);
        if (selection.NonFinite > 0)
            WriteWarning($"{selection.NonFinite} object(s) with a NaN or infinite {X} or {Y} were left out of the front.");
        WriteVerbose($"{selection.Front.Count} of {_items.Count} objects are on the front.");
        foreach (int i in selection.Front) WriteObject(_items[i].Item);
    }
}

/// <summary>
/// Writes an SVG picture (and opens nothing): a proxy-vs-accuracy scatter with Spearman ρ and Kendall τ in the title,
/// a search's progress per generation, or a Pareto front. Supports -WhatIf/-Confirm, since it writes a file.
/// </summary>
[Cmdlet(VerbsData.Export, "NasPlot", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNasPlotCommand : PSCmdlet
{
    private readonly List<PSObject> _items = [];

    [Parameter(Mandatory = true, Position = 0)]
    public NasPlotKind Kind { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Architecture objects (Scatter, Pareto) or one search result (Progress).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Horizontal property (Scatter, Pareto): a score such as SedScore, or Parameters.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PropertyNameCompleter))]
    public string? X { get; set; }

    /// <summary>Vertical property (Scatter, Pareto); TestAccuracy by default.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PropertyNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Y { get; set; } = "TestAccuracy";

    /// <summary>Pareto only: whether larger or smaller X is better (smaller by default: X is a cost).</summary>
    [Parameter]
    public OptimizationDirection XDirection { get; set; } = OptimizationDirection.Minimize;

    /// <summary>Pareto only: whether larger or smaller Y is better (larger by default).</summary>
    [Parameter]
    public OptimizationDirection YDirection { get; set; } = OptimizationDirection.Maximize;

    /// <summary>Returns the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => _items.Add(InputObject!);

    protected override void EndProcessing()
    {
        string path = GetUnresolvedProviderPathFromPSPath(Path);
        string svg;
        if (Kind == NasPlotKind.Progress)
        {
            if (_items.Count != 1)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    $"Export-NasPlot -Kind Progress draws one search result; {_items.Count} arrived. Pipe them one at a time (ForEach-Object) with a path each."),
                    ErrorIds.NotASearchResult, ErrorCategory.InvalidArgument, _items.Count));
            var result = ReportingObjects.SearchResultOrThrow(this, _items[0]);
            WriteVerbose($"Drawing the best score and accuracy per generation of {result.Algorithm} (seed {result.Seed}, {result.History.Count} architectures).");
            svg = NasPlots.Progress(result);
        }
        else
        {
            if (X is null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Export-NasPlot -Kind {Kind} needs -X, the property for the horizontal axis (e.g. SedScore or Parameters)."),
                    ErrorIds.PropertyNotNumeric, ErrorCategory.InvalidArgument, Kind));
            var points = new List<PlotPoint>();
            foreach (var item in _items)
                if (ReportingObjects.Point(this, item, X!, Y) is { } p) points.Add(p with { Label = PipelineObjects.Text(item, "Architecture") });
            WriteVerbose($"Drawing {points.Count} points of {Y} against {X} as a {Kind} plot.");
            svg = Kind == NasPlotKind.Scatter ? NasPlots.Scatter(points, X!, Y) : NasPlots.Pareto(points, X!, XDirection, Y, YDirection);
        }
        if (!ShouldProcess(path, $"Write a {Kind} plot (SVG)")) return;
        ReportingObjects.WriteFile(this, path, svg, PassThru);
    }
}

/// <summary>Writes search results (the answer and the whole history) as JSON or CSV; -WhatIf/-Confirm supported.</summary>
[Cmdlet(VerbsData.Export, "SearchResult", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSearchResultCommand : PSCmdlet
{
    private readonly List<SearchResult> _results = [];

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Json or Csv; by default Csv for a .csv path and Json otherwise.</summary>
    [Parameter]
    public SearchResultFormat? Format { get; set; }

    /// <summary>Returns the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ReportingObjects.SearchResultOrError(this, InputObject!) is { } result) _results.Add(result);
    }

    protected override void EndProcessing()
    {
        if (_results.Count == 0) return;
        string path = GetUnresolvedProviderPathFromPSPath(Path);
        var format = Format ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? SearchResultFormat.Csv : SearchResultFormat.Json);
        WriteVerbose($"Writing {_results.Count} search result(s) with {_results.Sum(r => r.History.Count)} history rows as {format}.");
        string text;
        try
        {
            text = SearchResultExport.Write(_results, format);
        }
        catch (InvalidDataException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.CannotWriteFile, ErrorCategory.InvalidData, path));
            return;
        }
        if (!ShouldProcess(path, $"Write {_results.Count} search result(s) as {format}")) return;
        ReportingObjects.WriteFile(this, path, text, PassThru);
    }
}

/// <summary>What the reporting cmdlets share: reading numeric points, accepting live or deserialized search results, writing files.</summary>
internal static class ReportingObjects
{
    /// <summary>The (x, y) of an object; null after a NasPS.PropertyNotNumeric error when either is missing or not a number.</summary>
    public static PlotPoint? Point(Cmdlet cmdlet, PSObject item, string x, string y)
    {
        double? vx = PipelineObjects.Number(item, x), vy = PipelineObjects.Number(item, y);
        if (vx is double a && vy is double b) return new PlotPoint(a, b);
        string missing = vx is null ? x : y;
        cmdlet.WriteError(new ErrorRecord(
            new ArgumentException($"'{PipelineObjects.Text(item, "Architecture") ?? item.ToString()}' has no numeric property '{missing}'. Properties: {string.Join(", ", item.Properties.Select(p => p.Name))}."),
            ErrorIds.PropertyNotNumeric, ErrorCategory.InvalidData, item));
        return null;
    }

    public static SearchResult? SearchResultOrError(Cmdlet cmdlet, PSObject item)
    {
        try
        {
            return SearchResultObjects.From(item);
        }
        catch (ArgumentException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.NotASearchResult, ErrorCategory.InvalidArgument, item));
            return null;
        }
    }

    public static SearchResult SearchResultOrThrow(PSCmdlet cmdlet, PSObject item)
    {
        try
        {
            return SearchResultObjects.From(item);
        }
        catch (ArgumentException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, ErrorIds.NotASearchResult, ErrorCategory.InvalidArgument, item));
            throw; // not reached: ThrowTerminatingError throws
        }
    }

    /// <summary>Writes UTF-8 text (no BOM), creating the folder; a failure is a terminating NasPS.CannotWriteFile naming the path.</summary>
    public static void WriteFile(PSCmdlet cmdlet, string path, string text, bool passThru)
    {
        try
        {
            if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
            File.WriteAllText(path, text, new System.Text.UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, ErrorIds.CannotWriteFile, ErrorCategory.WriteError, path));
        }
        cmdlet.WriteVerbose($"Wrote {path} ({text.Length:N0} characters).");
        if (passThru) cmdlet.WriteObject(new FileInfo(path));
    }
}
