using System.Numerics;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.IO;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Networks.NasBench201;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Compute;

public class Nb201NetworkTests
{
    internal static Nb201Genome Genome(string arch)
    {
        var ops = arch.Replace("+", "").Split('|', StringSplitOptions.RemoveEmptyEntries)
            .Select(tok => (Nb201Op)Nb201OpNames.Names.ToList().IndexOf(tok.Split('~')[0])).ToArray();
        var genome = new Nb201Genome(ops);
        Assert.Equal(arch, genome.Canonical);
        return genome;
    }

    /// <summary>Whole-network parity: the same weights and input in PyTorch and NasPS give the same logits, parameter
    /// gradients and updated running statistics (train mode), and the same eval-mode logits.</summary>
    [Theory]
    [InlineData("conv3x3")]
    [InlineData("mixed")]
    public void Float32MatchesPyTorch(string cell) => CheckParity<float>(cell, "f32");

    [Theory]
    [InlineData("conv3x3")]
    [InlineData("mixed")]
    public void Float64MatchesPyTorch(string cell) => CheckParity<double>(cell, "f64");

    private static void CheckParity<T>(string cell, string suffix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var weightsPath = SharedData.Fixture($"engine/nb201_{cell}_weights.safetensors");
        var (weights, meta) = SafeTensors.ReadWithMetadata(weightsPath);
        var expected = SafeTensors.Read(SharedData.Fixture($"engine/nb201_{cell}_expected.safetensors"));
        var net = new TinyNetwork<T>(Genome(meta["arch"]), 10, rng: null, channels: int.Parse(meta["channels"]), cellsPerStage: int.Parse(meta["cells_per_stage"]));
        net.LoadSafeTensors(weightsPath);
        Assert.Equal(weights.Count, net.StateEntries().Count);

        using var scope = Tensors.NewScope();
        var input = expected["input"].ToTensor<T>();
        var logits = net.Train().Forward(input);
        Close.Assert(expected[$"{suffix}/logits"], logits, $"{cell} {suffix} logits");
        logits.Backward(expected[$"{suffix}/dlogits"].ToTensor<T>());
        int checkedGrads = 0;
        // Some gradients are zero up to rounding (BN shifts of the last cells, cancelled by lastact's train-mode BN):
        // judge every gradient against the largest one of the network.
        double gradScale = net.NamedParameters().Max(p => expected[$"{suffix}/grad/{p.Name}"].MaxAbs());
        foreach (var (name, p) in net.NamedParameters())
        {
            Assert.NotNull(p.Grad);
            Close.Assert(expected[$"{suffix}/grad/{name}"], p.Grad!, $"{cell} {suffix} ∂/∂{name}", scaleFloor: gradScale);
            checkedGrads++;
        }
        Assert.Equal(expected.Keys.Count(k => k.StartsWith($"{suffix}/grad/", StringComparison.Ordinal)), checkedGrads);
        foreach (var (name, b) in net.NamedBuffers())
            Close.Assert(expected[$"{suffix}/after/{name}"], b, $"{cell} {suffix} {name} after the train step");
        Assert.All(net.NamedInt64Buffers(), b => Assert.Equal(4, b.Buffer.Values[0])); // 3 loaded + 1 step

        using (Tensors.NoGrad())
        {
            var evalLogits = net.Eval().Forward(input);
            Assert.False(evalLogits.RequiresGrad);
            Close.Assert(expected[$"{suffix}/eval_logits"], evalLogits, $"{cell} {suffix} eval logits");
        }
    }

    /// <summary>The full-size network's state names and shapes equal the PyTorch definition's state_dict (spec §1.7).</summary>
    [Fact]
    public void StateNamesAndShapesMatchTheOfficialNetwork()
    {
        var lines = File.ReadAllLines(SharedData.Fixture("engine/nb201_state_names.txt")).Where(l => !l.StartsWith('#')).ToList();
        int archs = 0;
        for (int i = 0; i < lines.Count;)
        {
            var arch = lines[i++].Split('\t')[1];
            var expected = new List<string>();
            while (i < lines.Count && !lines[i].StartsWith("arch\t", StringComparison.Ordinal)) expected.Add(lines[i++]);
            var net = TinyNetwork<float>.ForDataset(Genome(arch), Dataset.Cifar10, rng: null);
            var actual = net.StateEntries().Select(e => $"{e.Name}\t[{string.Join(", ", e.Shape)}]").ToList();
            Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
            archs++;
        }
        Assert.Equal(2, archs);

        var conv = TinyNetwork<float>.ForDataset(Genome(AllConv3x3), Dataset.Cifar10, rng: null);
        Assert.Equal(579, conv.StateEntries().Count);
        Assert.Equal(291, conv.NamedParameters().Count());
        Assert.Equal(96, conv.NamedInt64Buffers().Count());
        Assert.Equal(1_531_546, conv.ParameterCount());
    }

    internal const string AllConv3x3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    /// <summary>Parameter counts equal the benchmark's (nb201.csv, all three datasets) and the analytic formula of spec §1.5.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1462)]
    [InlineData(1651)]
    [InlineData(1835)]
    [InlineData(6111)]
    [InlineData(9930)]
    [InlineData(857)]
    public void ParameterCountMatchesTheBenchmark(int index)
    {
        var table = CsvTable.Load(SharedData.Path("nb201/nb201.csv"));
        int row = Enumerable.Range(0, table.Rows.Count).Single(r => table.Long(r, table.Column("index")) == index);
        var genome = Genome(table.Text(row, table.Column("arch")));
        foreach (var dataset in new[] { Dataset.Cifar10, Dataset.Cifar100, Dataset.ImageNet16_120 })
        {
            long count = TinyNetwork<float>.ForDataset(genome, dataset, rng: null).ParameterCount();
            double mb = table.Double(row, table.Column($"{dataset.ShortName()}_params_mb"))!.Value;
            Assert.Equal((long)Math.Round(mb * 1e6), count);
            Assert.Equal(AnalyticCount(genome, dataset.Classes()), count);
        }
    }

    private static long AnalyticCount(Nb201Genome g, int k)
    {
        long n3 = g.Count(Nb201Op.Conv3x3), n1 = g.Count(Nb201Op.Conv1x1);
        long Cell(long c) => n3 * (9 * c * c + 2 * c) + n1 * (c * c + 2 * c);
        long Res(long i, long o) => 9 * i * o + 2 * o + 9 * o * o + 2 * o + i * o;
        return 464 + 5 * Cell(16) + Res(16, 32) + 5 * Cell(32) + Res(32, 64) + 5 * Cell(64) + 128 + 64 * k + k;
    }

    [Fact]
    public void TheZeroCostNasVariantChangesOnlyTheCellConvolutions()
    {
        var genome = Genome(AllConv3x3);
        var official = TinyNetwork<float>.ForDataset(genome, Dataset.Cifar10, rng: null);
        var variant = new TinyNetwork<float>(genome, 10, rng: null, cellOps: Nb201CellOptions.ZeroCostNas);
        // Per cell conv edge: + c conv bias, − 2c BN γ/β; 6 edges × 5 cells at c = 16, 32, 64.
        Assert.Equal(official.ParameterCount() - 6 * 5 * (16 + 32 + 64), variant.ParameterCount());
        var names = variant.StateEntries().Select(e => e.Name).ToHashSet();
        Assert.Contains("cells.0.layers.0.op.1.bias", names);
        Assert.DoesNotContain("cells.0.layers.0.op.2.weight", names);
        Assert.DoesNotContain("cells.0.layers.0.op.2.running_mean", names);
        Assert.Contains("cells.5.conv_a.op.2.running_mean", names); // reduction blocks unchanged
        Assert.Contains("stem.1.weight", names);
    }

    [Fact]
    public void StrictLoadingNamesTheFileAndTheTensor()
    {
        var dir = Directory.CreateTempSubdirectory("nasps-engine-");
        try
        {
            var net = new TinyNetwork<float>(Genome(AllConv3x3), 10, new Rng(1), channels: 4, cellsPerStage: 1);
            var entries = net.StateEntries().ToList();

            var missing = Path.Combine(dir.FullName, "missing.safetensors");
            SafeTensors.Write(missing, entries.Where(e => e.Name != "cells.0.layers.3.op.1.weight"));
            var e1 = Assert.Throws<InvalidDataException>(() => net.LoadSafeTensors(missing));
            Assert.Contains(missing, e1.Message);
            Assert.Contains("cells.0.layers.3.op.1.weight", e1.Message);
            net.LoadSafeTensors(missing, strict: false); // tolerated when not strict

            var extra = Path.Combine(dir.FullName, "extra.safetensors");
            SafeTensors.Write(extra, [.. entries, SafeTensorEntry.FromTensor("cells.0.edges.1<-0.weight", Tensors.Zeros<float>(2))]);
            var e2 = Assert.Throws<InvalidDataException>(() => net.LoadSafeTensors(extra));
            Assert.Contains("unexpected", e2.Message);
            Assert.Contains("cells.0.edges.1<-0.weight", e2.Message);

            var wrongShape = Path.Combine(dir.FullName, "shape.safetensors");
            SafeTensors.Write(wrongShape, entries.Select(e => e.Name == "classifier.weight"
                ? SafeTensorEntry.FromTensor(e.Name, Tensors.Zeros<float>(10, 3)) : e));
            var before = net.Parameters().First().ToArray();
            var e3 = Assert.Throws<InvalidDataException>(() => net.LoadSafeTensors(wrongShape));
            Assert.Contains("classifier.weight", e3.Message);
            Assert.Contains("[10, 3]", e3.Message);
            Assert.Equal(before, net.Parameters().First().ToArray()); // nothing half-loaded
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void SaveThenLoadReproducesTheNetworkInEitherPrecision()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nasps-engine-{Guid.NewGuid():N}.safetensors");
        try
        {
            var genome = Genome("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
            var a = new TinyNetwork<float>(genome, 10, new Rng(5), channels: 4, cellsPerStage: 1);
            a.SaveSafeTensors(path);
            var b = new TinyNetwork<float>(genome, 10, new Rng(6), channels: 4, cellsPerStage: 1);
            Assert.NotEqual(a.Parameters().First().ToArray(), b.Parameters().First().ToArray());
            b.LoadSafeTensors(path);
            var c = new TinyNetwork<double>(genome, 10, rng: null, channels: 4, cellsPerStage: 1);
            c.LoadSafeTensors(path);
            foreach (var ((name, pa), (_, pb), (_, pc)) in a.NamedParameters().Zip(b.NamedParameters(), c.NamedParameters()))
            {
                Assert.Equal(pa.ToArray(), pb.ToArray());
                Assert.Equal(pa.ToArray().Select(v => (double)v), pc.ToArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Same seed → bit-identical weights, logits and gradients, whatever the thread count.</summary>
    [Fact]
    public void SameSeedGivesBitIdenticalResultsOnOneAndTwoThreads()
    {
        var genome = Genome("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
        int saved = Parallelism.Degree;
        try
        {
            var runs = new List<double[]>();
            foreach (int degree in new[] { 1, 2, 1 })
            {
                Parallelism.Degree = degree;
                var net = new TinyNetwork<double>(genome, 10, new Rng(42), channels: 4, cellsPerStage: 2);
                using var scope = Tensors.NewScope();
                var x = Tensors.Empty<double>(4, 3, 16, 16);
                Init.Normal(x, 0, 1, new Rng(7));
                var logits = net.Forward(x);
                Ops.Sum(Ops.Mul(logits, logits)).Backward();
                runs.Add([.. logits.ToArray(), .. net.Parameters().SelectMany(p => p.Grad!.ToArray()), .. net.NamedBuffers().SelectMany(b => b.Tensor.ToArray())]);
            }
            Assert.Equal(runs[0], runs[1]);
            Assert.Equal(runs[0], runs[2]);
            Assert.Contains(runs[0], v => v != 0);
        }
        finally
        {
            Parallelism.Degree = saved;
        }
    }

    /// <summary>Without autograd and without output hooks, ReLUConvBN edges fuse their ReLU into the convolution and leave
    /// their BN to the node's sum, and pooling edges their pooling; the logits and the updated running statistics are bit-identical to the module-by-module
    /// forward (forced here by a do-nothing output hook on every ReLU), and input hooks see the same tensors.</summary>
    [Fact]
    public void FusedForwardWithoutAutogradEqualsTheModuleByModuleOne()
    {
        var genome = Genome("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        var runs = new List<(float[] Logits, float[] State, long[] Tracked, int Inputs)>();
        foreach (bool outputHooks in new[] { true, false })
        {
            var net = new TinyNetwork<float>(genome, 10, new Rng(5), channels: 8, cellsPerStage: 2);
            var hooks = new List<IDisposable>();
            int inputs = 0;
            foreach (var m in net.Modules())
            {
                if (m.TypeName.Contains("ReLU", StringComparison.Ordinal)) hooks.Add(m.RegisterForwardPreHook((_, input) => inputs += input.Rank));
                if (outputHooks && m is ReLU<float> or Pooling<float>) hooks.Add(m.RegisterForwardHook((_, _, _) => { }));
            }
            using var scope = Tensors.NewScope();
            var x = Tensors.Empty<float>(3, 3, 32, 32);
            Init.Normal(x, 0, 1, new Rng(9));
            float[] logits;
            using (Tensors.NoGrad()) logits = net.Train().Forward(x).ToArray();
            hooks.ForEach(h => h.Dispose());
            runs.Add((logits, net.NamedBuffers().SelectMany(b => b.Tensor.ToArray()).ToArray(),
                net.NamedInt64Buffers().Select(b => b.Buffer.Values[0]).ToArray(), inputs));
        }
        Assert.Equal(runs[0].Logits, runs[1].Logits);
        Assert.Equal(runs[0].State, runs[1].State);
        Assert.Equal(runs[0].Tracked, runs[1].Tracked);
        Assert.All(runs[1].Tracked, t => Assert.Equal(1, t));
        Assert.Equal(runs[0].Inputs, runs[1].Inputs);
        Assert.True(runs[1].Inputs > 0);
    }

    [Fact]
    public void ReluModulesAreReachableForHooksAndBatchNormCanBeBypassed()
    {
        var net = new TinyNetwork<double>(Genome(AllConv3x3), 10, new Rng(3), channels: 4, cellsPerStage: 5);
        // Stem and classifier aside, each of the 15 cells has 6 conv edges (one ReLU each), each reduction block 2, plus lastact.
        var relus = net.NamedModules().Where(m => m.Module is ReLU<double>).ToList();
        Assert.Equal(15 * 6 + 2 * 2 + 1, relus.Count);
        Assert.Contains(relus, r => r.Name == "cells.0.layers.3.op.0");
        Assert.Equal(15 * 6 + 2 * 2, net.Modules().Count(m => m.TypeName == "ReLUConvBN"));

        int calls = 0;
        var removers = relus.Select(r => r.Module.RegisterForwardHook((m, input, output) => calls++)).ToList();
        using var scope = Tensors.NewScope();
        using (Tensors.NoGrad()) net.Forward(Tensors.Ones<double>(2, 3, 8, 8));
        Assert.Equal(relus.Count, calls);
        removers.ForEach(r => r.Dispose());
        using (Tensors.NoGrad()) net.Forward(Tensors.Ones<double>(2, 3, 8, 8));
        Assert.Equal(relus.Count, calls);

        // All BNs bypassed: one all-ones 4×4 image runs in train mode; with BN on, the 1×1 maps of stage 3 would
        // leave one value per channel for batch statistics, which is an error.
        var x = Tensors.Ones<double>(1, 3, 4, 4);
        Assert.Equal(15 * 6 + 2 * 2 + 2, net.SetBatchNormBypass(true));
        var logits = net.Train().Forward(x);
        Assert.Equal([1, 10], logits.Shape);
        Assert.Throws<ArgumentException>(() => { net.SetBatchNormBypass(false); net.Forward(x); });
    }
}
