using System.Management.Automation;
using NasPS.Data;

namespace NasPS.Cmdlets;

/// <summary>
/// A proxy input batch: images from a CIFAR binary file (a seeded random subset, or a file-order range), normalised with
/// a preset and optionally augmented as FreeREA does, or Gaussian noise for data-free use.
/// </summary>
[Cmdlet(VerbsCommon.Get, "InputBatch", DefaultParameterSetName = FromFile)]
[OutputType(typeof(ImageBatch))]
public sealed class GetInputBatchCommand : PSCmdlet
{
    private const string FromFile = "File";
    private const string FromNoise = "Gaussian";

    [Parameter(ParameterSetName = FromFile, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Cifar10 or Cifar100 record layout; detected from the file size when omitted.</summary>
    [Parameter(ParameterSetName = FromFile)]
    public CifarFormat? Format { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateRange(1, 100_000)]
    public int Count { get; set; }

    [Parameter]
    public long Seed { get; set; }

    /// <summary>Take images [Start, Start + Count) in file order instead of a seeded random subset.</summary>
    [Parameter(ParameterSetName = FromFile)]
    [ValidateRange(0, int.MaxValue)]
    public int? Start { get; set; }

    /// <summary>A normalisation preset (cifar10, cifar100, imagenet16, swap); the file's own dataset by default.</summary>
    [Parameter(ParameterSetName = FromFile)]
    [ArgumentCompleter(typeof(NormalizationCompleter))]
    public string? Normalization { get; set; }

    /// <summary>FreeREA's augmentation: random crop with 4 pixels of padding and a horizontal flip, seeded.</summary>
    [Parameter(ParameterSetName = FromFile)]
    public SwitchParameter Augment { get; set; }

    [Parameter(ParameterSetName = FromNoise, Mandatory = true)]
    public SwitchParameter Gaussian { get; set; }

    /// <summary>Height and width of the noise images (32 for CIFAR, 16 for ImageNet16-120).</summary>
    [Parameter(ParameterSetName = FromNoise)]
    [ValidateRange(1, 1024)]
    public int Resolution { get; set; } = 32;

    protected override void ProcessRecord()
    {
        ulong seed = unchecked((ulong)Seed);
        if (Gaussian)
        {
            WriteObject(Batches.Gaussian(Count, 3, Resolution, Resolution, seed));
            return;
        }
        string path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var normalization = Normalization is null ? null : NasPS.Data.Normalization.Preset(Normalization);
            WriteObject(Batches.FromCifarFile(path, Count, seed, Start, Augment, Format, normalization));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidInputData, ErrorCategory.InvalidData, path));
        }
    }
}
