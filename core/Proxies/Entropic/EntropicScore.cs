using System.Diagnostics;
using System.Globalization;
using NasPS.Compute;
using NasPS.Data;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Proxies.Entropic;

/// <summary>How the uncertainty of one post-ReLU element across the batch is measured.</summary>
public enum EntropyEstimator
{
    /// <summary>Binary entropy of the element's on/off state (p = share of samples with output &gt; 0).</summary>
    Bernoulli,

    /// <summary>Differential entropy of a normal with the element's variance: ½ln(2πe(σ² + ε)).</summary>
    Gaussian,
}

/// <summary>What is measured per layer.</summary>
public enum LayerStatistic
{
    /// <summary>I(S; E) = H(S) − H(S | E): pooled entropy of the layer minus its mean element-wise entropy.</summary>
    UnitInformation,

    /// <summary>H(S | E): the mean element-wise entropy alone.</summary>
    ElementEntropy,
}

/// <summary>How per-layer values become one score.</summary>
public enum LayerAggregation
{
    /// <summary>Sum over hooked layers: every active nonlinearity adds its entropy.</summary>
    Sum,

    /// <summary>Mean over hooked layers.</summary>
    Mean,
}

/// <summary>Where the proxy's input batch comes from when the context gives none.</summary>
public enum EntropicInput
{
    /// <summary>i.i.d. N(0, 1) images at the dataset resolution, seeded by the context seed.</summary>
    GaussianNoise,

    /// <summary>The context's image batch is required.</summary>
    Images,
}

/// <summary>The protocol of the entropic score; the defaults are NasPS's frozen definition (docs/entropic-score.md).</summary>
public sealed record EntropicOptions
{
    public EntropyEstimator Estimator { get; init; } = EntropyEstimator.Bernoulli;
    public LayerStatistic Statistic { get; init; } = LayerStatistic.UnitInformation;
    public LayerAggregation Aggregation { get; init; } = LayerAggregation.Sum;
    public EntropicInput Input { get; init; } = EntropicInput.GaussianNoise;

    /// <summary>Batch size of the noise input (an image input keeps its own size).</summary>
    public int Batch { get; init; } = 16;

    /// <summary>Input side length; null: the dataset's (32, or 16 for ImageNet16-120). Images are block-averaged down to it.
    /// The default 8×8 keeps a whole-space run affordable on a CPU (docs/entropic-score.md, "Cost").</summary>
    public int? Resolution { get; init; } = 8;

    /// <summary>Independent initialisations averaged.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>ε of the Gaussian estimator.</summary>
    public double Epsilon { get; init; } = 1e-5;

    public string Describe()
    {
        string input = (Input == EntropicInput.Images ? "context images" : $"N(0,1) noise ×{Batch}") +
                       (Resolution is { } r ? $" at {r}×{r}" : " at the dataset resolution");
        string epsilon = Estimator == EntropyEstimator.Gaussian ? string.Create(CultureInfo.InvariantCulture, $", ε {Epsilon:R}") : "";
        return $"{Statistic} ({Estimator}) per ReLU layer, {Aggregation} over layers, input {input}, repeats {Repeats}, {ProxyNetworks.Describe(EntropicScore.Initialisation)}, " +
               $"BN train mode (batch statistics), float32 forward, float64 entropy accumulation{epsilon}";
    }
}

/// <summary>
/// NasPS's entropic score (project-defined, docs/entropic-score.md): the expressivity of an untrained network measured
/// by the entropy of its post-nonlinearity activations across an input batch. Every ReLU module is hooked; per element
/// (channel × position) the entropy across the batch is estimated, averaged over the layer's elements, and the layer
/// means are aggregated over the network. Higher is better.
/// </summary>
public sealed class EntropicScore(EntropicOptions? options = null) : IZeroCostProxy
{
    public const string ProxyName = "entropic";

    public EntropicOptions Options { get; } = options ?? new EntropicOptions();

    public string Name => ProxyName;
    /// <summary>1.1: initialisation through <see cref="ProxyNetworks.Initialize{T}"/> (same distributions as 1.0, another
    /// random stream, so per-seed values differ from 1.0's). 1.2: squeeze-excite gates are not hooked
    /// (<see cref="ProxyNetworks.FeatureActivations{T}"/>); HybridEdge values with SE blocks change, NB201/NATS/NB101
    /// values are identical to 1.1's.</summary>
    public string Version => "1.2";

    /// <summary>FreeREA's initialisation: conv weights N(0, 2/fan_out), BN γ = 1, β = 0 (the linear head follows the last
    /// hooked ReLU and cannot change the score).</summary>
    public const WeightInit Initialisation = WeightInit.KaimingNormalFanOut;

    public bool NeedsInput => Options.Input == EntropicInput.Images;
    /// <summary>NAS-Bench-201 cells and NATS size configurations: the genomes with a benchmark network.</summary>
    public bool Supports(Genome genome) => ProxyNetworks.CanBuild(genome);

    public ProxyResult Score(Genome genome, ProxyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(genome);
        if (!Supports(genome))
            throw new NotSupportedException($"The entropic score needs a network: NasBench201 or NatsSize genomes; got a {genome.SpaceName} genome.");
        long start = Stopwatch.GetTimestamp();
        using var convolution = context.UseConvolution();
        var input = ResolveInput(context, genome);
        var rng = new Rng(context.Seed);
        using var network = ProxyNetworks.Build<float>(genome, context.Dataset.Classes()); // its memory goes to the next network
        double total = 0;
        int repeats = context.RepeatsOr(Options.Repeats);
        for (int r = 0; r < repeats; r++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ProxyNetworks.Initialize(network, Initialisation, rng);
            total += Aggregate(Measure(network, input, Options.Epsilon, moments: Options.Estimator == EntropyEstimator.Gaussian), Options);
        }
        string protocol = $"{(Options with { Repeats = repeats }).Describe()}; {context.ConvolutionProtocol}; input: {input.Source}; seed {context.Seed}";
        return new ProxyResult(Name, Version, total / repeats, protocol, Stopwatch.GetElapsedTime(start));
    }

    // The noise protocol is data-free: a context batch is ignored (IZeroCostProxy.NeedsInput is false), so the same
    // seed gives the same score whoever calls. The image protocol requires the batch.
    private ImageBatch ResolveInput(ProxyContext context, Genome genome)
    {
        if (Options.Input == EntropicInput.GaussianNoise)
        {
            // A network bound to one input size (HybridEdge) gets it; otherwise the protocol's side, else the dataset's.
            int resolution = ProxyNetworks.FixedResolution(genome) ?? Options.Resolution ?? context.Dataset.Resolution();
            return Batches.Gaussian(Options.Batch, 3, resolution, resolution, context.Seed);
        }
        var images = context.Input ?? throw new ArgumentException("This entropic-score protocol needs an input batch (ProxyContext.Input).", nameof(context));
        if (images.Count < 2) throw new ArgumentException("The entropic score needs a batch of at least 2 images.", nameof(context));
        return (ProxyNetworks.FixedResolution(genome) ?? Options.Resolution) is { } side ? Downsample(images, side) : images;
    }

    /// <summary>Block-averages square images to <paramref name="side"/>×<paramref name="side"/> (the side must divide theirs).</summary>
    public static ImageBatch Downsample(ImageBatch images, int side)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Height == side && images.Width == side) return images;
        if (side <= 0 || images.Height != images.Width || images.Height % side != 0)
            throw new ArgumentException($"Cannot block-average {images.Height}×{images.Width} images to {side}×{side}.", nameof(side));
        int factor = images.Height / side, planes = images.Count * images.Channels;
        var pixels = new float[planes * side * side];
        for (int p = 0; p < planes; p++)
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        {
            double sum = 0;
            for (int dy = 0; dy < factor; dy++)
            for (int dx = 0; dx < factor; dx++)
                sum += images.Pixels[(p * images.Height + y * factor + dy) * images.Width + x * factor + dx];
            pixels[(p * side + y) * side + x] = (float)(sum / (factor * factor));
        }
        return new ImageBatch(pixels, images.Labels, images.Channels, side, side, $"{images.Source}, block-averaged to {side}×{side}");
    }

    /// <summary>One forward pass in train mode (batch-statistics BN) without gradients; the per-layer entropies of every ReLU.</summary>
    /// <param name="moments">Whether to compute the Gaussian statistics too (see <see cref="ActivationEntropyRecorder{T}"/>).</param>
    public static IReadOnlyList<LayerEntropy> Measure<T>(Module<T> network, ImageBatch input, double epsilon, bool moments = true)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var recorder = new ActivationEntropyRecorder<T>(network, moments);
        if (!recorder.AllTraining) network.Train();
        using (Tensors.NewScope())
        using (Tensors.NoGrad())
        {
            var x = Tensors.Empty<T>(input.Shape);
            var span = x.Span;
            for (int i = 0; i < span.Length; i++) span[i] = T.CreateTruncating(input.Pixels[i]);
            network.Forward(x);
        }
        return recorder.Layers(epsilon);
    }

    /// <summary>The score of per-layer entropies under <paramref name="options"/>' statistic, estimator and aggregation.</summary>
    public static double Aggregate(IReadOnlyList<LayerEntropy> layers, EntropicOptions options)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        if (layers.Count == 0) throw new ArgumentException("No hooked layer ran.", nameof(layers));
        double sum = 0;
        foreach (var layer in layers)
            sum += options.Statistic == LayerStatistic.UnitInformation ? layer.UnitInformation(options.Estimator) : layer.ElementEntropy(options.Estimator);
        return options.Aggregation == LayerAggregation.Sum ? sum : sum / layers.Count;
    }
}
