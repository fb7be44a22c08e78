using NasPS.Compute;
using NasPS.Networks.HybridEdge;
using NasPS.Proxies;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Proxies;

/// <summary>Core's NetworkExport (behind Export-Network, `nasps weights` and `nasps export`), the initialisation names,
/// and the space settings a HybridEdge record carries down the pipeline.</summary>
public class NetworkExportTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("nasps-export-").FullName;

    [Fact]
    public void Nb201_WritesTheOfficialNamesOnly_AndTheSameFileForTheSameSeed()
    {
        string dir = TempDir();
        try
        {
            var genome = NasBench201Space.Instance.FromIndex(1835);
            var first = NetworkExport.Write(genome, Path.Combine(dir, "a.safetensors"), 7, WeightInit.KaimingNormalFanOut, Dataset.Cifar100);
            var again = NetworkExport.Write(genome, Path.Combine(dir, "b.safetensors"), 7, WeightInit.KaimingNormalFanOut, Dataset.Cifar100);
            var other = NetworkExport.Write(genome, Path.Combine(dir, "c.safetensors"), 8, WeightInit.KaimingNormalFanOut, Dataset.Cifar100);
            Assert.Null(first.Description);
            Assert.Equal(File.ReadAllBytes(first.Weights), File.ReadAllBytes(again.Weights));
            Assert.NotEqual(File.ReadAllBytes(first.Weights), File.ReadAllBytes(other.Weights));
            var (tensors, metadata) = SafeTensors.ReadWithMetadata(first.Weights);
            Assert.Contains("cells.5.conv_a.op.2.running_var", tensors.Keys);
            Assert.Equal([100, 64], tensors["classifier.weight"].Shape); // CIFAR-100's head
            Assert.Equal("kaiming-fan-out", metadata["init"]);
            Assert.Equal(genome.Canonical, metadata["arch"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HybridEdge_WritesWhatHybridEdgeExportWrites_DescriptionBesideTheWeights()
    {
        string dir = TempDir();
        try
        {
            var genome = HybridEdgeSpace.With(64, 10).Parse("stem16|mb3se:d1:w16:e2|mb5:d1:w32:e2|attn_dw:d1:w64:e2:h2:m2|attn:d1:w96:e2:h2:m2|head512");
            var files = NetworkExport.Write(genome, Path.Combine(dir, "m.safetensors"), 3, WeightInit.PyTorchDefault, Dataset.Cifar10);
            Assert.Equal(Path.Combine(dir, "m.json"), files.Description);
            var reference = HybridEdgeExport.Write(genome, Path.Combine(dir, "ref"), 3, WeightInit.PyTorchDefault);
            Assert.Equal(File.ReadAllBytes(reference.Weights), File.ReadAllBytes(files.Weights));
            Assert.Equal(File.ReadAllText(reference.Description), File.ReadAllText(files.Description!));
            Assert.Contains("\"resolution\": 64", File.ReadAllText(files.Description!));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("pytorch-default", WeightInit.PyTorchDefault)]
    [InlineData("Default", WeightInit.PyTorchDefault)]
    [InlineData("kaiming-fan-out", WeightInit.KaimingNormalFanOut)]
    [InlineData("kaiming", WeightInit.KaimingNormalFanOut)]
    [InlineData(" normal ", WeightInit.StandardNormal)]
    public void InitialisationNames_AcceptTheCanonicalNamesAndTheExportAliases(string name, WeightInit expected) =>
        Assert.Equal(expected, WeightInitNames.Parse(name));

    [Fact]
    public void AnUnknownInitialisationIsRefusedListingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => WeightInitNames.Parse("xavier"));
        Assert.Contains("'xavier'", error.Message);
        Assert.Contains("kaiming-fan-out", error.Message);
    }

    [Fact]
    public void AHybridEdgeRecord_CarriesItsSettings_SoTheSameSpaceIsResolvedDownstream()
    {
        var space = HybridEdgeSpace.With(112, 100);
        var genome = space.Parse("stem16|mb3:d1:w16:e2|mb5:d1:w32:e2|mb3:d1:w64:e2|mb3:d1:w96:e2|head512");
        var record = ArchitectureRecord.Create(space, genome, Dataset.Cifar10);
        Assert.Equal((112, 100), (record.Resolution, record.Classes));
        var again = (HybridEdgeGenome)SearchSpaceInfo.Resolve(record.Space, record.Resolution, record.Classes).Parse(record.Architecture);
        Assert.Equal((112, 100), (again.Resolution, again.Classes));
        Assert.Equal(record.Flops, HybridEdgeCost.Of(again).Macs);
        var nb201 = ArchitectureRecord.Create(NasBench201Space.Instance, NasBench201Space.Instance.FromIndex(0), Dataset.Cifar10);
        Assert.Null(nb201.Resolution);
        Assert.Null(nb201.Classes);
    }
}
