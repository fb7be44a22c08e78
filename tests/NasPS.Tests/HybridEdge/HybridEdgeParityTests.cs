using System.Security.Cryptography;
using System.Text.Json;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.HybridEdge;
using NasPS.Proxies;
using NasPS.Spaces.HybridEdge;
using Xunit;

namespace NasPS.Tests.HybridEdge;

/// <summary>
/// Export round trip and PyTorch parity against Fixtures/hybrid/parity.json (tests/reference/hybrid_edge_fixtures.py):
/// NasPS exported each case, examples/hybrid_to_torch.py loaded it strictly into a torch.nn.Module and recorded its logits.
/// Here the same export must give the same bytes, and our network on those weights the same logits (1e-4, float32).
/// </summary>
public class HybridEdgeParityTests
{
    public static TheoryData<int> Cases => [0, 1, 2];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportedModel_MatchesPyTorch(int index)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("hybrid/parity.json")));
        var c = document.RootElement.GetProperty("cases")[index];
        int resolution = c.GetProperty("resolution").GetInt32(), classes = c.GetProperty("classes").GetInt32(), batch = c.GetProperty("batch").GetInt32();
        var init = c.GetProperty("init").GetString() switch
        {
            "default" => WeightInit.PyTorchDefault,
            "kaiming" => WeightInit.KaimingNormalFanOut,
            var other => throw new InvalidDataException($"Unknown init '{other}' in the fixture."),
        };
        var genome = HybridEdgeSpace.With(resolution, classes).Parse(c.GetProperty("arch").GetString()!);

        string directory = Path.Combine(Path.GetTempPath(), "nasps-hybrid-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = HybridEdgeExport.Write(genome, Path.Combine(directory, "model"), c.GetProperty("seed").GetUInt64(), init);
            Assert.Equal(c.GetProperty("description_sha256").GetString(), Sha256(files.Description));
            Assert.Equal(c.GetProperty("weights_sha256").GetString(), Sha256(files.Weights));
            Assert.Equal(c.GetProperty("parameters").GetInt64(), files.Parameters);

            var network = new HybridEdgeNetwork<float>(genome);
            network.LoadSafeTensors(files.Weights, strict: true);
            var input = FixedInput(batch, resolution);
            network.Eval();
            AssertLogits(c.GetProperty("logits_eval"), Forward(network, input), "eval");
            network.Train();
            AssertLogits(c.GetProperty("logits_train"), Forward(network, input), "train");
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>hybrid_to_torch.fixed_input: sin(0.1·i) over the flat index, computed in double, stored as float.</summary>
    private static Tensor<float> FixedInput(int batch, int resolution)
    {
        var x = Tensors.Empty<float>(batch, 3, resolution, resolution);
        var s = x.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)Math.Sin(i * 0.1);
        return x;
    }

    private static float[] Forward(HybridEdgeNetwork<float> network, Tensor<float> input)
    {
        using (Tensors.NewScope())
        using (Tensors.NoGrad())
            return network.Forward(input).ToArray();
    }

    private static void AssertLogits(JsonElement expected, float[] actual, string mode)
    {
        var want = expected.EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        Assert.Equal(want.Length, actual.Length);
        double scale = Math.Max(1e-3, want.Max(Math.Abs));
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - actual[i]) <= 1e-4 * scale, $"{mode} logit {i}: PyTorch {want[i]}, NasPS {actual[i]} (scale {scale})");
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
