using System.Management.Automation;
using NasPS.Proxies;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>
/// Writes each incoming architecture's initialised network as float32 safetensors under the reference PyTorch names
/// (NB201: spec §1.7's official names; HybridEdge: also NAME.json for examples/hybrid_to_torch.py) — the twin of
/// `nasps weights` and `nasps export`; the logic is core's NetworkExport. -WhatIf/-Confirm supported.
/// </summary>
[Cmdlet(VerbsData.Export, "Network", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNetworkCommand : PSCmdlet
{
    private readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The .safetensors file; an existing folder takes one file per architecture, named by its index (or hash).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public long Seed { get; set; }

    /// <summary>pytorch-default (PyTorch's layer defaults), kaiming-fan-out (FreeREA) or normal (SWAP, Zen): the proxies' initialisations.</summary>
    [Parameter]
    [ValidateSet("pytorch-default", "kaiming-fan-out", "normal")]
    public string Initialization { get; set; } = "pytorch-default";

    /// <summary>The classifier's dataset for spaces that take it from one (NB201, NB101, NATS); default: the object's, else CIFAR-10.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateDataset]
    public string? Dataset { get; set; }

    /// <summary>Returns the written files.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var item = InputObject!;
        if (PipelineObjects.GenomeOrError(this, item) is not { } genome) return;
        if (!ProxyNetworks.CanBuild(genome))
        {
            WriteError(new ErrorRecord(new NotSupportedException($"No network is defined for {genome.SpaceName} architectures ('{genome.Canonical}')."),
                ErrorIds.InvalidArchitecture, ErrorCategory.NotImplemented, genome.Canonical));
            return;
        }
        string path = GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(path))
            path = System.IO.Path.Combine(path, (PipelineObjects.Text(item, "Index") ?? genome.Hash) + ".safetensors");
        if (!_written.Add(path))
        {
            WriteError(new ErrorRecord(new IOException($"'{path}' was already written by this command for another architecture; give -Path an existing folder to export several."),
                ErrorIds.CannotWriteFile, ErrorCategory.WriteError, genome.Canonical));
            return;
        }
        var dataset = PipelineObjects.DatasetOf(item, Dataset);
        WriteVerbose($"Initialising {genome.Canonical} ({Initialization}, seed {Seed}) and writing its weights to {path}.");
        if (!ShouldProcess(path, $"Write the initialised network of {genome.Canonical}")) return;
        NetworkExportFiles files;
        try
        {
            files = NetworkExport.Write(genome, path, unchecked((ulong)Seed), WeightInitNames.Parse(Initialization), dataset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.CannotWriteFile, ErrorCategory.WriteError, path));
            return;
        }
        if (!PassThru) return;
        WriteObject(new FileInfo(files.Weights));
        if (files.Description is { } description) WriteObject(new FileInfo(description));
    }
}
