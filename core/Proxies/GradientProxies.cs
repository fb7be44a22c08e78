using System.Numerics;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>The zero-cost-nas gradient proxies NasPS implements (spec §3.6).</summary>
public enum GradientMeasure
{
    /// <summary>Σ_L ‖∂loss/∂W_L‖₂ over conv and linear weights.</summary>
    GradNorm,
    /// <summary>Σ |W ⊙ ∂loss/∂W| over conv and linear weights.</summary>
    Snip,
    /// <summary>−Σ (ln(λ + k) + 1/(λ + k)), λ the eigenvalues of the correlation matrix of the per-image input
    /// gradients of Σ logits, k = 1e-5; NaN when the correlation is undefined (a constant gradient row).</summary>
    JacobCov,
    /// <summary>Σ_L Σ_k |W_L[k]| · ½ · mean_n(Σ_spatial a ⊙ ∂loss/∂a)², a the output activation of layer L (channel k):
    /// zero-cost-nas broadcasts each channel's value to the channel's weights before summing, hence the factor |W_L[k]|,
    /// the number of weights per output channel.</summary>
    Fisher,
}

/// <summary>The gradient proxies on a given network in its current mode and weights.</summary>
public static class GradientScore
{
    public const double JacobCovK = 1e-5;

    public static double Compute<T>(Module<T> network, Tensor<T> images, ReadOnlySpan<int> labels, GradientMeasure measure)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        network.ZeroGrad();
        if (measure == GradientMeasure.JacobCov) return JacobCov(network, images);
        if (measure == GradientMeasure.Fisher) return Fisher(network, images, labels);
        Ops.CrossEntropy(network.Forward(images), labels).Backward();
        double total = 0;
        foreach (var w in ProxyNetworks.ConvAndLinearWeights(network))
        {
            if (w.Grad is null) continue;
            var ws = w.ReadOnlySpan;
            var gs = w.Grad.ReadOnlySpan;
            double layer = 0;
            if (measure == GradientMeasure.GradNorm)
            {
                foreach (var g in gs) layer += double.CreateTruncating(g) * double.CreateTruncating(g);
                total += Math.Sqrt(layer);
            }
            else
            {
                for (int i = 0; i < ws.Length; i++) layer += Math.Abs(double.CreateTruncating(ws[i]) * double.CreateTruncating(gs[i]));
                total += layer;
            }
        }
        network.ZeroGrad();
        return total;
    }

    private static double Fisher<T>(Module<T> network, Tensor<T> images, ReadOnlySpan<int> labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The output of every Conv2d and Linear keeps its gradient (PyTorch's retain_grad on the layer activations).
        var activations = new List<(Tensor<T> Weight, Tensor<T> Output)>();
        var hooks = new List<IDisposable>();
        foreach (var module in network.Modules())
        {
            var weight = module switch { Conv2d<T> c => c.Weight, Linear<T> l => l.Weight, _ => null };
            if (weight is not null)
                hooks.Add(module.RegisterForwardHook((_, _, output) => activations.Add((weight, output.RetainGrad()))));
        }
        try
        {
            Ops.CrossEntropy(network.Forward(images), labels).Backward();
        }
        finally
        {
            foreach (var hook in hooks) hook.Dispose();
        }
        double total = 0;
        foreach (var (weight, output) in activations)
        {
            if (output.Grad is null) continue; // no path to the loss: zero-cost-nas counts zeros
            int n = output.Size(0), channels = output.Size(1), spatial = output.Length / (n * channels);
            int weightsPerChannel = weight.Length / channels;
            var a = output.ReadOnlySpan;
            var g = output.Grad.ReadOnlySpan;
            for (int k = 0; k < channels; k++)
            {
                double meanSquare = 0;
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    int offset = (i * channels + k) * spatial;
                    for (int j = 0; j < spatial; j++) s += double.CreateTruncating(a[offset + j]) * double.CreateTruncating(g[offset + j]);
                    meanSquare += s * s;
                }
                total += 0.5 * meanSquare / n * weightsPerChannel;
            }
        }
        network.ZeroGrad();
        return total;
    }

    private static double JacobCov<T>(Module<T> network, Tensor<T> images) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = Tensors.Clone(images);
        x.RequiresGrad = true;
        Ops.Sum(network.Forward(x)).Backward();
        network.ZeroGrad();
        int n = x.Size(0), d = x.Length / n;
        var g = x.Grad!.ReadOnlySpan;
        // Correlation matrix of the rows of J (numpy.corrcoef), accumulated in float64.
        var centred = new double[n * d];
        var norm = new double[n];
        for (int i = 0; i < n; i++)
        {
            double mean = 0;
            for (int j = 0; j < d; j++) mean += double.CreateTruncating(g[i * d + j]);
            mean /= d;
            double ss = 0;
            for (int j = 0; j < d; j++)
            {
                double c = double.CreateTruncating(g[i * d + j]) - mean;
                centred[i * d + j] = c;
                ss += c * c;
            }
            norm[i] = Math.Sqrt(ss);
            if (norm[i] == 0) return double.NaN;
        }
        var corr = new double[n * n];
        for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++)
        {
            double dot = 0;
            for (int k = 0; k < d; k++) dot += centred[i * d + k] * centred[j * d + k];
            corr[i * n + j] = corr[j * n + i] = dot / (norm[i] * norm[j]);
        }
        double score = 0;
        foreach (double lambda in LinearAlgebra.SymmetricEigenvalues(corr, n))
            score -= Math.Log(lambda + JacobCovK) + 1 / (lambda + JacobCovK);
        return score;
    }
}

/// <summary>
/// grad_norm, snip, fisher and jacob_cov as registered proxies, zero-cost-nas's protocol (spec §3.6) on the official NB201
/// network (not zero-cost-nas's BN-variant copy, spec §1.6): PyTorch default init, train mode (BN on), one batch of 64
/// images, cross-entropy on the batch's labels (jacob_cov uses no labels), one evaluation.
/// </summary>
public sealed class GradientProxy(GradientMeasure measure, int batch = 64, int repeats = 1)
    : NetworkProxy<float>(WeightInit.PyTorchDefault, repeats)
{
    public GradientMeasure Measure { get; } = measure;
    public int Batch { get; } = batch >= 2 ? batch : throw new ArgumentOutOfRangeException(nameof(batch), batch, "A gradient proxy needs a batch of at least 2 images.");

    public override string Name => Measure switch
    {
        GradientMeasure.GradNorm => "grad_norm",
        GradientMeasure.Snip => "snip",
        GradientMeasure.Fisher => "fisher",
        _ => "jacob_cov",
    };

    public override string Version => "1";
    public override bool NeedsInput => true;

    protected override void Validate(ProxyContext context, Genome genome)
    {
        int resolution = ProxyNetworks.Resolution(genome, context.Dataset);
        ProxyNetworks.RequireInput(Name, context, Batch, resolution);
        if (Measure != GradientMeasure.JacobCov) RequireLabels(Name, context, Batch, resolution);
    }

    /// <summary>Checks that the first <paramref name="count"/> input labels are class indices of the context's dataset.</summary>
    internal static void RequireLabels(string proxy, ProxyContext context, int count, int? resolution = null)
    {
        var input = ProxyNetworks.RequireInput(proxy, context, count, resolution);
        int classes = context.Dataset.Classes();
        foreach (int label in input.Labels.AsSpan(0, count))
            if (label < 0 || label >= classes)
                throw new ArgumentException($"Proxy '{proxy}' needs labels in 0..{classes - 1} for its cross-entropy loss; {input.Source} has label {label}.", nameof(context));
    }

    protected override double Evaluate(Module<float> network, ProxyContext context)
    {
        network.Train();
        var images = ProxyNetworks.InputImages<float>(Name, context, Batch, ProxyNetworks.Resolution(network, context.Dataset));
        return GradientScore.Compute(network, images, context.Input!.Labels.AsSpan(0, Batch), Measure);
    }

    protected override string DescribeProtocol(ProxyContext context, Genome genome) =>
        $"{Name} (zero-cost-nas definition){(Measure == GradientMeasure.JacobCov ? "" : ", cross-entropy on the batch labels")}; "
        + $"float32, train mode (BN on, batch statistics), official NB201 network, batch {Batch} of {context.Input?.Source}";
}
