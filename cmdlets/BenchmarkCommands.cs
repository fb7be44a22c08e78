using System.Management.Automation;
using NasPS.Analysis;
using NasPS.Benchmarks;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>Reads a benchmark table (a CSV like NAS-Bench-201's, columns found by name). NasPS ships no data: point it at yours.</summary>
[Cmdlet(VerbsData.Import, "NasBenchmark")]
[OutputType(typeof(BenchmarkTable))]
public sealed class ImportNasBenchmarkCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        string path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var table = BenchmarkTable.Load(path);
            WriteVerbose($"Read {table.Count:N0} architectures from {path}; columns: {string.Join(", ", table.Columns)}.");
            WriteObject(table);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidBenchmark, ErrorCategory.InvalidData, path));
        }
    }
}

/// <summary>Adds the benchmark's test accuracy (for each object's Dataset) to architecture objects as TestAccuracy.</summary>
[Cmdlet(VerbsCommon.Add, "BenchmarkResult")]
[OutputType(typeof(ArchitectureRecord))]
public sealed class AddBenchmarkResultCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    public BenchmarkTable? Benchmark { get; set; }

    /// <summary>Overrides the Dataset property of incoming objects.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateDataset]
    public string? Dataset { get; set; }

    protected override void ProcessRecord()
    {
        var item = InputObject!;
        if (PipelineObjects.ArchitectureOrError(this, item) is not string text) return;
        var dataset = PipelineObjects.DatasetOf(item, Dataset);
        if (!Benchmark!.TryIndexOf(text, out int index))
        {
            WriteError(new ErrorRecord(new KeyNotFoundException($"{Benchmark.Source}: architecture '{text}' is not in the table."),
                ErrorIds.NotInBenchmark, ErrorCategory.ObjectNotFound, text));
            return;
        }
        PipelineObjects.SetScore(item, "TestAccuracy", "test_accuracy", Benchmark.TestAccuracy(index, dataset));
        WriteObject(item);
    }
}

/// <summary>Spearman ρ, Kendall τ-b and top-k overlap of score properties against a target property, over the pipeline.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "ProxyCorrelation")]
[OutputType(typeof(ProxyCorrelation))]
public sealed class MeasureProxyCorrelationCommand : PSCmdlet
{
    private readonly List<PSObject> _items = [];

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The score properties to assess, e.g. EntropicScore, LogSynflow.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Property { get; set; } = [];

    /// <summary>The ground-truth property (TestAccuracy from Add-BenchmarkResult by default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Target { get; set; } = "TestAccuracy";

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TopK { get; set; } = 10;

    protected override void ProcessRecord() => _items.Add(InputObject!);

    protected override void EndProcessing()
    {
        var truth = _items.Select(i => Number(i, Target)).ToList();
        foreach (var property in Property)
        {
            try
            {
                WriteObject(CorrelationReport.Compute(property, _items.Select(i => Number(i, property)).ToList(), Target, truth, TopK));
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, ErrorIds.TooFewValues, ErrorCategory.InvalidData, property));
            }
        }
    }

    /// <summary>A numeric property, NaN where it is missing or not a number (such objects are left out of the statistics).</summary>
    private static double Number(PSObject item, string property) => PipelineObjects.Number(item, property) ?? double.NaN;
}
