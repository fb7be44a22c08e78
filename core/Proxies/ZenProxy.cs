using System.Diagnostics;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Randomness;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>Zen-score on a given network (spec §3.7).</summary>
public static class ZenScore
{
    public const double MixupGamma = 0.01;

    /// <summary>One repeat: ln(mean_b Σ_{c,h,w} |f(x) − f(x + 0.01 ε)|) + Σ_BN ln √(mean running_var), f the input of the
    /// global pooling, both forwards in the network's current mode without gradients (in train mode they update the BN
    /// running statistics first, as in ZenNAS). −∞ when the two feature maps are equal (e.g. a disconnected cell).</summary>
    public static double Compute(Module<float> network, Tensor<float> x, Tensor<float> epsilon)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!x.Shape.SequenceEqual(epsilon.Shape)) throw new ArgumentException($"Zen-score needs x and ε of one shape; got {Shapes.Format(x.ShapeArray)} and {Shapes.Format(epsilon.ShapeArray)}.", nameof(epsilon));
        var mixed = Tensors.Clone(x);
        var m = mixed.Span;
        var e = epsilon.ReadOnlySpan;
        for (int i = 0; i < m.Length; i++) m[i] += (float)MixupGamma * e[i];
        using var scope = Tensors.NewScope();
        var f = PreGapFeatures(network, x);
        var fMixed = PreGapFeatures(network, mixed);
        var a = f.ReadOnlySpan;
        var b = fMixed.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs((double)a[i] - b[i]);
        double score = Math.Log(sum / x.Size(0));
        foreach (var module in network.Modules())
            if (module is BatchNorm2d<float> { RunningVar: { } runningVar })
            {
                double mean = 0;
                foreach (float v in runningVar.ReadOnlySpan) mean += v;
                score += 0.5 * Math.Log(mean / runningVar.Length);
            }
        return score;
    }

    /// <summary>The feature map entering the network's global average pooling.</summary>
    private static Tensor<float> PreGapFeatures(Module<float> network, Tensor<float> input)
    {
        Tensor<float>? features = null;
        var pools = network.Modules().OfType<AdaptiveAvgPool2d<float>>().ToList();
        if (pools.Count != 1) throw new ArgumentException($"Zen-score needs a network with one global pooling layer; this one has {pools.Count}.", nameof(network));
        using (pools[0].RegisterForwardHook((_, inp, _) => features = inp))
        using (Tensors.NoGrad())
            network.Forward(input);
        return features!;
    }
}

/// <summary>
/// Zen-score as a registered proxy, ZenNAS's protocol (spec §3.7): per repeat, conv/linear weights N(0, 1), biases 0,
/// BN γ = 1, β = 0, then x and ε ~ N(0, 1) of shape [16, 3, R, R] drawn from the same generator; train mode; the BN running
/// statistics carry over between repeats (ZenNAS never resets them); mean of 32 repeats. Data-free.
/// </summary>
public sealed class ZenProxy(int batch = 16, int repeats = 32) : IZeroCostProxy
{
    public int Batch { get; } = batch >= 1 ? batch : throw new ArgumentOutOfRangeException(nameof(batch), batch, "Zen-score needs a batch of at least 1.");
    public int Repeats { get; } = repeats >= 1 ? repeats : throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "A proxy needs at least one repeat.");

    public string Name => "zen";
    public string Version => "1";
    public bool NeedsInput => false;

    public bool Supports(Genome genome) => ProxyNetworks.CanBuild(genome);

    public ProxyResult Score(Genome genome, ProxyContext context)
    {
        ArgumentNullException.ThrowIfNull(genome);
        ArgumentNullException.ThrowIfNull(context);
        if (!Supports(genome))
            throw new ArgumentException($"Proxy '{Name}' does not support {genome.SpaceName} genomes ('{genome.Canonical}').", nameof(genome));
        long start = Stopwatch.GetTimestamp();
        using var convolution = context.UseConvolution();
        int resolution = ProxyNetworks.Resolution(genome, context.Dataset);
        using var network = ProxyNetworks.Build<float>(genome, context.Dataset.Classes()); // its memory goes to the next network
        network.Train();
        var rng = new Rng(context.Seed);
        context.Weights?.LoadInto(network); // given weights: loaded once, the repeats differ only in x and ε
        double sum = 0;
        int repeats = context.RepeatsOr(Repeats);
        for (int r = 0; r < repeats; r++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (context.Weights is null) ProxyNetworks.Initialize(network, WeightInit.StandardNormal, rng);
            using var scope = Tensors.NewScope();
            var x = Tensors.Empty<float>(Batch, 3, resolution, resolution);
            var epsilon = Tensors.Empty<float>(Batch, 3, resolution, resolution);
            Init.Normal(x, 0, 1, rng);
            Init.Normal(epsilon, 0, 1, rng);
            sum += ZenScore.Compute(network, x, epsilon);
        }
        string protocol = $"zen (ZenNAS definition); float32 ({context.ConvolutionProtocol}), train mode (BN on, running statistics kept across repeats), "
            + $"input and ε ~ N(0,1) [{Batch}, 3, {resolution}, {resolution}], mixup γ {ZenScore.MixupGamma}; "
            + $"{(context.Weights is { } given ? $"weights from {given.Source}" : ProxyNetworks.Describe(WeightInit.StandardNormal))}; mean of {repeats} repeat(s) from seed {context.Seed}";
        return new ProxyResult(Name, Version, sum / repeats, protocol, Stopwatch.GetElapsedTime(start));
    }
}
