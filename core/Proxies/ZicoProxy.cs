using NasPS.Compute;
using NasPS.Networks;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>ZiCo on a given network (spec §3.8).</summary>
public static class ZicoScore
{
    /// <summary>One cross-entropy backward per batch in the network's current mode; for every Conv2d/Linear weight w the
    /// gradients g_w(b) over the batches; per layer s_L = Σ_{σ_w ≠ 0} mean_b |g_w(b)| / σ_w (σ the population standard
    /// deviation over batches); score = Σ_{s_L ≠ 0} ln s_L. Layers without a path to the loss have zero gradients and
    /// drop out.</summary>
    public static double Compute(Module<float> network, IReadOnlyList<(Tensor<float> Images, int[] Labels)> batches)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (batches.Count < 2) throw new ArgumentException($"ZiCo needs at least 2 batches (a standard deviation over batches); got {batches.Count}.", nameof(batches));
        var weights = ProxyNetworks.ConvAndLinearWeights(network);
        var gradients = weights.Select(w => new float[batches.Count][]).ToArray();
        for (int b = 0; b < batches.Count; b++)
        {
            network.ZeroGrad();
            using var scope = Tensors.NewScope();
            Ops.CrossEntropy(network.Forward(batches[b].Images), batches[b].Labels).Backward();
            for (int l = 0; l < weights.Count; l++)
                gradients[l][b] = weights[l].Grad is { } g ? g.ReadOnlySpan.ToArray() : new float[weights[l].Length];
        }
        network.ZeroGrad();
        double score = 0;
        int count = batches.Count;
        for (int l = 0; l < weights.Count; l++)
        {
            double layer = 0;
            for (int i = 0; i < weights[l].Length; i++)
            {
                double mean = 0, meanAbs = 0;
                for (int b = 0; b < count; b++)
                {
                    mean += gradients[l][b][i];
                    meanAbs += Math.Abs((double)gradients[l][b][i]);
                }
                mean /= count;
                double variance = 0;
                for (int b = 0; b < count; b++) variance += (gradients[l][b][i] - mean) * (gradients[l][b][i] - mean);
                double sigma = Math.Sqrt(variance / count);
                if (sigma != 0) layer += meanAbs / count / sigma;
            }
            if (layer != 0) score += Math.Log(layer);
        }
        return score;
    }
}

/// <summary>
/// ZiCo as a registered proxy, the official protocol (spec §3.8) on the official NB201 network: PyTorch default init,
/// train mode, 2 batches of 64 images (the first 128 of the context's input, in order), cross-entropy on their labels.
/// </summary>
public sealed class ZicoProxy(int batch = 64, int batches = 2) : NetworkProxy<float>(WeightInit.PyTorchDefault, 1)
{
    public int Batch { get; } = batch >= 1 ? batch : throw new ArgumentOutOfRangeException(nameof(batch), batch, "ZiCo needs a batch of at least 1.");
    public int Batches { get; } = batches >= 2 ? batches : throw new ArgumentOutOfRangeException(nameof(batches), batches, "ZiCo needs at least 2 batches.");

    public override string Name => "zico";
    public override string Version => "1";
    public override bool NeedsInput => true;

    protected override void Validate(ProxyContext context, Genome genome) =>
        GradientProxy.RequireLabels(Name, context, Batch * Batches, ProxyNetworks.Resolution(genome, context.Dataset));

    protected override double Evaluate(Module<float> network, ProxyContext context)
    {
        network.Train();
        var all = ProxyNetworks.InputImages<float>(Name, context, Batch * Batches, ProxyNetworks.Resolution(network, context.Dataset));
        int perBatch = all.Length / Batches;
        var labels = context.Input!.Labels;
        var batches = Enumerable.Range(0, Batches)
            .Select(b => (Tensors.FromArray<float>(all.ReadOnlySpan.Slice(b * perBatch, perBatch), [Batch, all.Size(1), all.Size(2), all.Size(3)]), labels[(b * Batch)..((b + 1) * Batch)]))
            .ToList();
        return ZicoScore.Compute(network, batches);
    }

    protected override string DescribeProtocol(ProxyContext context, Genome genome) =>
        $"zico (official definition), cross-entropy on the batch labels; float32, train mode (BN on, batch statistics), "
        + $"official NB201 network, {Batches} batches of {Batch} in order from {context.Input?.Source}";
}
