using System.Management.Automation;
using NasPS.Benchmarks;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// Looks architectures up in an imported benchmark and returns their ground truth as new objects (BenchmarkResult:
/// index, architecture, dataset, test accuracy and every numeric column of the row). Add-BenchmarkResult, by contrast,
/// adds TestAccuracy to the incoming objects and passes those on; use it inside a scoring pipeline, and this cmdlet to
/// read the benchmark itself (by architecture or by official index).
/// </summary>
[Cmdlet(VerbsCommon.Get, "BenchmarkResult", DefaultParameterSetName = ByObject)]
[OutputType(typeof(BenchmarkResult))]
public sealed class GetBenchmarkResultCommand : PSCmdlet
{
    private const string ByObject = "Architecture";
    private const string ByIndex = "Index";

    [Parameter(Mandatory = true, Position = 0)]
    public BenchmarkTable? Benchmark { get; set; }

    /// <summary>Architecture objects, architecture strings, or any object with an Architecture property.</summary>
    [Parameter(ParameterSetName = ByObject, Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Official benchmark indices.</summary>
    [Parameter(ParameterSetName = ByIndex, Mandatory = true)]
    public int[] Index { get; set; } = [];

    /// <summary>The dataset whose test accuracy is returned; the object's own Dataset, else cifar10.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateDataset]
    public string? Dataset { get; set; }

    protected override void BeginProcessing() =>
        WriteVerbose($"Looking architectures up in {Benchmark!.Source} ({Benchmark.Count:N0} rows).");

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIndex)
        {
            var dataset = DatasetInfo.Parse(Dataset ?? "cifar10");
            foreach (int index in Index)
            {
                try
                {
                    WriteObject(BenchmarkResult.At(Benchmark!, index, dataset));
                }
                catch (ArgumentOutOfRangeException e)
                {
                    WriteError(new ErrorRecord(e, ErrorIds.IndexOutOfRange, ErrorCategory.InvalidArgument, index));
                }
            }
            return;
        }
        var item = InputObject!;
        if (PipelineObjects.ArchitectureOrError(this, item) is not string text) return;
        try
        {
            WriteObject(BenchmarkResult.Of(Benchmark!, text, PipelineObjects.DatasetOf(item, Dataset)));
        }
        catch (KeyNotFoundException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.NotInBenchmark, ErrorCategory.ObjectNotFound, text));
        }
    }
}
