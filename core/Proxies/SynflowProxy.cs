using System.Numerics.Tensors;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>Which per-weight term the Synflow family sums (spec §3.1).</summary>
public enum SynflowVariant
{
    /// <summary>Σ|W ⊙ ln(1 + ∂R/∂W)| (log1p): FreeREA's released code and its C100/IN16 caches.</summary>
    LogSynflow,
    /// <summary>Σ|W ⊙ ln(∂R/∂W + 10⁻⁶)|: the variant behind FreeREA's cached CIFAR-10 column.</summary>
    LogSynflowEpsilon,
    /// <summary>Σ|W ⊙ ∂R/∂W|.</summary>
    Synflow,
}

/// <summary>The three Synflow-family sums of one backward pass.</summary>
public readonly record struct SynflowTerms(double LogSynflow, double LogSynflowEpsilon, double Synflow)
{
    public double Of(SynflowVariant variant) => variant switch
    {
        SynflowVariant.LogSynflow => LogSynflow,
        SynflowVariant.LogSynflowEpsilon => LogSynflowEpsilon,
        _ => Synflow,
    };
}

/// <summary>The Synflow family on a given network (weights as they are; spec §3.1).</summary>
public static class SynflowScore
{
    public const double CachedEpsilon = 1e-6;

    /// <summary>
    /// Bypasses every BatchNorm, replaces every parameter and buffer by its absolute value, feeds one all-ones image of
    /// <paramref name="resolution"/>², back-propagates R = Σ logits and sums the variant's term over the weights of every
    /// Conv2d and Linear layer (biases excluded; a layer without a gradient contributes 0). The network's values and BN
    /// mode are restored afterwards. float64 is required: Synflow reaches 10⁶⁷ on NAS-Bench-201. All three variants come
    /// from the same gradient, so they are computed together.
    /// </summary>
    public static SynflowTerms Compute(Module<double> network, int resolution) => Compute(network, resolution, restore: true);

    /// <param name="restore">Whether to put the network's values, BN mode and cleared gradients back afterwards. A caller
    /// that initialises the network again (or drops it) passes false and saves a copy of every parameter and buffer; the
    /// gradients of the pass are then left in place (the next call clears them first).</param>
    /// <param name="only">The one variant the caller reads, or null for all three; the others are then left at 0,
    /// which saves a logarithm per weight or two.</param>
    public static SynflowTerms Compute(Module<double> network, int resolution, bool restore, SynflowVariant? only = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var state = network.NamedParameters().Concat(network.NamedBuffers()).Select(p => p.Tensor).ToList();
        var saved = restore ? state.Select(t => t.ToArray()).ToList() : null;
        var bns = network.Modules().OfType<Networks.Layers.BatchNorm2d<double>>().ToList();
        var bypassed = bns.Select(bn => bn.Bypassed).ToList();
        try
        {
            network.SetBatchNormBypass(true);
            foreach (var t in state) TensorPrimitives.Abs(t.Span, t.Span);
            network.ZeroGrad();
            using var scope = Tensors.NewScope();
            var logits = network.Forward(Tensors.Ones<double>(1, 3, resolution, resolution));
            Ops.Sum(logits).Backward();
            double log1p = 0, logEpsilon = 0, plain = 0;
            foreach (var w in ProxyNetworks.ConvAndLinearWeights(network))
            {
                if (w.Grad is null) continue;
                var (layerLog1p, layerLogEpsilon, layerPlain) = LayerTerms(w.ReadOnlySpan, w.Grad.ReadOnlySpan, only);
                log1p += layerLog1p;
                logEpsilon += layerLogEpsilon;
                plain += layerPlain;
            }
            return new SynflowTerms(log1p, logEpsilon, plain);
        }
        finally
        {
            if (saved is not null)
            {
                for (int i = 0; i < state.Count; i++) saved[i].CopyTo(state[i].Span);
                for (int i = 0; i < bns.Count; i++) bns[i].Bypassed = bypassed[i];
                network.ZeroGrad();
            }
        }
    }

    // Σ|w·ln(1+|g|)|, Σ|w·ln(|g|+ε)| and Σ|w·g| of one layer (or only the one asked for), vectorised in blocks.
    // |g|: on NB201-style networks (|weights|, ones input, ReLU, pooling) every gradient is ≥ 0 and this changes nothing;
    // a LayerNorm or softmax (HybridEdge) can make one negative, and ln(1 + g) NaN.
    private static (double Log1p, double LogEpsilon, double Plain) LayerTerms(ReadOnlySpan<double> weights, ReadOnlySpan<double> gradients, SynflowVariant? only)
    {
        const int block = 512;
        Span<double> magnitude = stackalloc double[block], term = stackalloc double[block];
        bool wantLog1p = only is null or SynflowVariant.LogSynflow;
        bool wantLogEpsilon = only is null or SynflowVariant.LogSynflowEpsilon;
        bool wantPlain = only is null or SynflowVariant.Synflow;
        double log1p = 0, logEpsilon = 0, plain = 0;
        for (int start = 0; start < weights.Length; start += block)
        {
            int n = Math.Min(block, weights.Length - start);
            var w = weights.Slice(start, n);
            var g = magnitude[..n];
            var t = term[..n];
            TensorPrimitives.Abs(gradients.Slice(start, n), g);
            if (wantPlain)
            {
                TensorPrimitives.Multiply(w, g, t);
                plain += TensorPrimitives.SumOfMagnitudes<double>(t);
            }
            if (wantLog1p)
            {
                TensorPrimitives.LogP1(g, t);
                TensorPrimitives.Multiply(w, t, t);
                log1p += TensorPrimitives.SumOfMagnitudes<double>(t);
            }
            if (wantLogEpsilon)
            {
                TensorPrimitives.Add(g, CachedEpsilon, t);
                TensorPrimitives.Log(t, t);
                TensorPrimitives.Multiply(w, t, t);
                logEpsilon += TensorPrimitives.SumOfMagnitudes<double>(t);
            }
        }
        return (log1p, logEpsilon, plain);
    }
}

/// <summary>LogSynflow / Synflow as a registered proxy: FreeREA's protocol (spec §3.1, §4.1) — float64, every BN bypassed,
/// all-ones input of batch 1 at the dataset resolution; kaiming-normal fan_out init, mean of 3 inits by default.</summary>
public sealed class SynflowProxy(SynflowVariant variant, WeightInit init = WeightInit.KaimingNormalFanOut, int repeats = 3)
    : NetworkProxy<double>(init, repeats)
{
    public SynflowVariant Variant { get; } = variant;

    public override string Name => Variant switch
    {
        SynflowVariant.LogSynflow => "logsynflow",
        SynflowVariant.LogSynflowEpsilon => "logsynflow-eps",
        _ => "synflow",
    };

    public override string Version => "1";
    public override bool NeedsInput => false;

    /// <summary>All three variants under this proxy's protocol (one backward pass per init), each the mean over the inits.</summary>
    public SynflowTerms ScoreTerms(Genome genome, ProxyContext context)
    {
        RequireSupported(genome);
        ArgumentNullException.ThrowIfNull(context);
        var terms = EvaluateRepeats(genome, context, (network, c) => SynflowScore.Compute(network, ProxyNetworks.Resolution(network, c.Dataset), restore: false));
        return new SynflowTerms(terms.Average(t => t.LogSynflow), terms.Average(t => t.LogSynflowEpsilon), terms.Average(t => t.Synflow));
    }

    // Each repeat initialises (or loads) the network again, so the evaluation need not restore it.
    protected override double Evaluate(Module<double> network, ProxyContext context) =>
        SynflowScore.Compute(network, ProxyNetworks.Resolution(network, context.Dataset), restore: false, only: Variant).Of(Variant);

    // A batch-1 float64 pass is too small to keep two cores busy inside its kernels; two inits side by side do.
    protected override bool RepeatsSideBySide => true;

    protected override string DescribeProtocol(ProxyContext context, Genome genome)
    {
        int r = ProxyNetworks.Resolution(genome, context.Dataset);
        string term = Variant switch
        {
            SynflowVariant.LogSynflow => "Σ|W⊙ln(1+∂R/∂W)|",
            SynflowVariant.LogSynflowEpsilon => "Σ|W⊙ln(∂R/∂W+1e-6)| (FreeREA C10 cache variant)",
            _ => "Σ|W⊙∂R/∂W|",
        };
        return $"{Name}: {term} over conv+linear weights, R = Σ logits; float64, every BN bypassed, |state|, all-ones input [1,3,{r},{r}]";
    }
}
