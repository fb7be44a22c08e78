using NasPS.Compute;
using NasPS.Networks;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>SWAP on a given network (spec §3.5).</summary>
public static class SwapScore
{
    /// <summary>Ψ: the number of distinct sample-wise patterns (1[ReLU output &gt; 0] over the S images) over every unit of
    /// every 4-D ReLU output, from one forward pass without gradients in the network's current mode.</summary>
    public static long Count(Module<float> network, Tensor<float> images)
    {
        ArgumentNullException.ThrowIfNull(network);
        var set = new SwapPatternSet(images.Size(0));
        using (ActivationPatterns.Attach(network, PatternHooks.ReluOutputs, set.Add))
        using (Tensors.NoGrad())
        using (Tensors.NewScope())
            network.Forward(images);
        return set.Count;
    }

    /// <summary>Ψ′ = Ψ · exp(−(Θ − μ)² / σ), Θ = parameters in thousands (the official divisor σ, not 2σ²).</summary>
    public static double Regularise(double swap, long parameters, double mu, double sigma) =>
        swap * Math.Exp(-Math.Pow(parameters / 1000.0 - mu, 2) / sigma);
}

/// <summary>
/// SWAP and regularised SWAP as registered proxies: N(0, 1) conv/linear weights, biases 0, BN γ = 1, β = 0, train mode,
/// the first 16 images of the context's input, mean over 32 initialisations. μ and σ (thousands of parameters) are the
/// regulariser's parameters; the defaults are a project decision (spec §7.4), chosen on CIFAR-10 only.
/// </summary>
public sealed class SwapProxy : NetworkProxy<float>
{
    /// <summary>Project defaults for NAS-Bench-201 (docs/proxy-results.md says how they were chosen).</summary>
    public const double DefaultMu = 1500, DefaultSigma = 1.0e6;

    public SwapProxy(bool regularised, int samples = 16, int repeats = 32, double mu = DefaultMu, double sigma = DefaultSigma)
        : base(WeightInit.StandardNormal, repeats)
    {
        if (samples is < 2 or > SwapPatternSet.MaxSamples)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"SWAP needs 2..{SwapPatternSet.MaxSamples} samples.");
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive.");
        Regularised = regularised;
        Samples = samples;
        Mu = mu;
        Sigma = sigma;
    }

    public bool Regularised { get; }
    public int Samples { get; }
    public double Mu { get; }
    public double Sigma { get; }

    /// <summary>Regularised SWAP centred on <paramref name="parameters"/> trainable parameters (μ = parameters / 1000),
    /// σ the default: SWAP-NAS's size control for a target model size.</summary>
    public static SwapProxy ForTargetSize(long parameters) =>
        parameters > 0 ? new(regularised: true, mu: parameters / 1000.0)
            : throw new ArgumentOutOfRangeException(nameof(parameters), parameters, "A target size is a positive number of parameters.");

    /// <summary>"swap", "swap-reg" (the default μ and σ), or "swap-reg-μk" / "swap-reg-μk-σ" for other settings, so
    /// results and checkpoints name the regulariser they were ranked by.</summary>
    public override string Name => !Regularised ? "swap"
        : Mu == DefaultMu && Sigma == DefaultSigma ? "swap-reg"
        : FormattableString.Invariant($"swap-reg-{Mu:0.###}k") + (Sigma == DefaultSigma ? "" : FormattableString.Invariant($"-{Sigma:0.###}"));
    public override string Version => "1";
    public override bool NeedsInput => true;

    protected override void Validate(ProxyContext context, Genome genome) =>
        ProxyNetworks.RequireInput(Name, context, Samples, ProxyNetworks.Resolution(genome, context.Dataset));

    protected override double Evaluate(Module<float> network, ProxyContext context)
    {
        network.Train();
        double swap = SwapScore.Count(network, ProxyNetworks.InputImages<float>(Name, context, Samples, ProxyNetworks.Resolution(network, context.Dataset)));
        return Regularised ? SwapScore.Regularise(swap, network.ParameterCount(), Mu, Sigma) : swap;
    }

    protected override string DescribeProtocol(ProxyContext context, Genome genome) =>
        $"{Name}: distinct {Samples}-sample patterns of 1[ReLU output > 0] over all units"
        + (Regularised ? $", × exp(−(Θ−{Mu})²/{Sigma}), Θ = parameters/1000" : "")
        + $"; float32 forward ({context.ConvolutionProtocol}), train mode, {Samples} images of {context.Input?.Source}";
}
