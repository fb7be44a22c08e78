using System.Numerics;
using NasPS.Compute;
using NasPS.Data;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Networks.HybridEdge;
using NasPS.Networks.NasBench101;
using NasPS.Networks.NasBench201;
using NasPS.Networks.NatsSize;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using NasPS.Spaces.NasBench101;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;

namespace NasPS.Proxies;

/// <summary>How a proxy initialises the network before scoring it (spec §6.6: the protocols disagree).</summary>
public enum WeightInit
{
    /// <summary>PyTorch's layer defaults (zero-cost-nas, official NASWOT).</summary>
    PyTorchDefault,
    /// <summary>FreeREA: conv/linear weights kaiming_normal_(fan_out, relu), biases 0, BN γ = 1, β = 0.</summary>
    KaimingNormalFanOut,
    /// <summary>SWAP and Zen: conv/linear weights N(0, 1), biases 0, BN γ = 1, β = 0.</summary>
    StandardNormal,
}

/// <summary>The networks proxies score: which genomes have one, building it, initialising it, checking inputs.</summary>
public static class ProxyNetworks
{
    /// <summary>True for genomes that build a network here (NAS-Bench-201 and NAS-Bench-101 cells, NATS size configurations, HybridEdge architectures).</summary>
    public static bool CanBuild(Genome genome) => genome is Nb201Genome or NatsSizeGenome or Nb101Genome or HybridEdgeGenome;

    /// <summary>The benchmark network of <paramref name="genome"/> for <paramref name="classes"/> outputs, weights zero
    /// (initialise with <see cref="Initialize{T}"/>).</summary>
    public static Module<T> Build<T>(Genome genome, int classes) where T : unmanaged, IFloatingPointIeee754<T> => genome switch
    {
        Nb201Genome cell => new TinyNetwork<T>(cell, classes, null),
        NatsSizeGenome size => new NatsSizeNetwork<T>(size, classes, null),
        Nb101Genome cell => new NasBench101Network<T>(cell, classes, null),
        HybridEdgeGenome hybrid => new HybridEdgeNetwork<T>(hybrid), // its space fixes classes and resolution
        null => throw new ArgumentNullException(nameof(genome)),
        _ => throw new ArgumentException($"No network is defined for {genome.SpaceName} genomes ('{genome.Canonical}'); proxies that run a network support NasBench201, NatsSize, NasBench101 and HybridEdge.", nameof(genome)),
    };

    public static void Initialize<T>(Module<T> network, WeightInit init, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (init == WeightInit.PyTorchDefault)
        {
            network.ResetParameters(rng);
            return;
        }
        foreach (var module in network.Modules())
        {
            switch (module)
            {
                case Conv2d<T> conv:
                    InitWeight(conv.Weight, init, rng);
                    if (conv.Bias is not null) Init.Constant(conv.Bias, 0);
                    break;
                case Linear<T> linear:
                    InitWeight(linear.Weight, init, rng);
                    if (linear.Bias is not null) Init.Constant(linear.Bias, 0);
                    break;
                case BatchNorm2d<T> bn:
                    if (bn.Weight is not null) Init.Constant(bn.Weight, 1);
                    if (bn.Bias is not null) Init.Constant(bn.Bias, 0);
                    break;
            }
        }
    }

    private static void InitWeight<T>(Tensor<T> weight, WeightInit init, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (init == WeightInit.KaimingNormalFanOut) Init.KaimingNormalFanOut(weight, rng);
        else Init.Normal(weight, 0, 1, rng);
    }

    /// <summary>The weights of every Conv2d and Linear layer, in module order: what the gradient proxies sum over.</summary>
    public static List<Tensor<T>> ConvAndLinearWeights<T>(Module<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var weights = new List<Tensor<T>>();
        foreach (var module in network.Modules())
            if (module is Conv2d<T> conv) weights.Add(conv.Weight);
            else if (module is Linear<T> linear) weights.Add(linear.Weight);
        return weights;
    }

    /// <summary>The first <paramref name="count"/> images of the context's input as a tensor, after checking that there
    /// are enough and that they have the dataset's resolution.</summary>
    public static Tensor<T> InputImages<T>(string proxy, ProxyContext context, int count, int? resolution = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var batch = RequireInput(proxy, context, count, resolution);
        int perImage = batch.Channels * batch.Height * batch.Width;
        var tensor = Tensors.Empty<T>(count, batch.Channels, batch.Height, batch.Width);
        Tensors.ConvertInto<float, T>(batch.Pixels.AsSpan(0, count * perImage), tensor.Span);
        return tensor;
    }

    /// <summary>The input side of <paramref name="genome"/>'s network: the dataset's, except where the space fixes it (HybridEdge).</summary>
    public static int Resolution(Genome genome, Dataset dataset) => FixedResolution(genome) ?? dataset.Resolution();

    /// <summary>The input side a genome's network requires whatever the dataset or protocol (HybridEdge), else null.</summary>
    public static int? FixedResolution(Genome genome) => genome is HybridEdgeGenome hybrid ? hybrid.Resolution : null;

    /// <summary>The input side of a built network: the dataset's, except where the network fixes it (HybridEdge).</summary>
    public static int Resolution<T>(Module<T> network, Dataset dataset) where T : unmanaged, IFloatingPointIeee754<T> =>
        network is HybridEdgeNetwork<T> hybrid ? hybrid.Resolution : dataset.Resolution();

    /// <summary>The modules whose outputs activation proxies read: ReLU, and the hardswish and GELU of HybridEdge blocks
    /// (all three are positive exactly where their input is).</summary>
    public static bool IsHookedActivation<T>(Module<T> module) where T : unmanaged, IFloatingPointIeee754<T> =>
        module is ReLU<T> or Hardswish<T> or GELU<T>;

    /// <summary>
    /// The hooked activations (<see cref="IsHookedActivation{T}"/>) that carry features, by name in module order: all of
    /// them except those inside a squeeze-excite gate. A gate's ReLU acts on a globally pooled vector and only computes
    /// channel weights; each one is almost constant across a batch per unit, so it adds ~0.5 nats of unit information,
    /// as much as ten feature layers (docs/entropic-score.md, "Versions", 1.2).
    /// </summary>
    public static IEnumerable<(string Name, Module<T> Module)> FeatureActivations<T>(Module<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var gates = new List<string>();
        foreach (var (name, module) in network.NamedModules())
        {
            if (module is SqueezeExcite<T>) gates.Add(name + ".");
            else if (IsHookedActivation(module) && !gates.Any(name.StartsWith)) yield return (name, module);
        }
    }

    /// <param name="resolution">The side the images must have; null: the context dataset's.</param>
    public static ImageBatch RequireInput(string proxy, ProxyContext context, int count, int? resolution = null)
    {
        var batch = context.Input
            ?? throw new ArgumentException($"Proxy '{proxy}' needs an input batch of {count} images (ProxyContext.Input is null).", nameof(context));
        int side = resolution ?? context.Dataset.Resolution();
        if (batch.Count < count)
            throw new ArgumentException($"Proxy '{proxy}' needs {count} input images; {batch.Source} has {batch.Count}.", nameof(context));
        if (batch.Channels != 3 || batch.Height != side || batch.Width != side)
            throw new ArgumentException($"Proxy '{proxy}' needs 3×{side}×{side} images here; {batch.Source} has {batch.Channels}×{batch.Height}×{batch.Width}.", nameof(context));
        return batch;
    }

    /// <summary>A short label of an initialisation for protocol strings.</summary>
    public static string Describe(WeightInit init) => init switch
    {
        WeightInit.PyTorchDefault => "PyTorch default init",
        WeightInit.KaimingNormalFanOut => "kaiming-normal fan_out init (biases 0, BN γ=1 β=0)",
        WeightInit.StandardNormal => "N(0,1) conv/linear weights (biases 0, BN γ=1 β=0)",
        _ => init.ToString(),
    };
}
