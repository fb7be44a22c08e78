using System.Numerics;
using NasPS.Compute;
using NasPS.Networks.Layers;
using NasPS.Networks.NasBench201;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;

namespace NasPS.Networks.NatsSize;

/// <summary>
/// The NATS-Bench size-space network (the skeleton of <see cref="TinyNetworkLayout"/> with the five channel counts of a
/// <see cref="NatsSizeGenome"/>, one cell per stage, every cell <see cref="NatsSizeSpace.FixedCell"/>). Module names follow
/// xautodl's DynamicShapeTinyNet: stem, cells.0..4, lastact, global_pooling, classifier; a cell's edges are layers.0..5.
/// </summary>
public sealed class NatsSizeNetwork<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _stem, _cells, _lastact;
    private readonly AdaptiveAvgPool2d<T> _pool;
    private readonly Linear<T> _classifier;

    /// <param name="rng">Initialises every tensor with PyTorch's layer defaults; null leaves weights at zero.</param>
    public NatsSizeNetwork(NatsSizeGenome genome, int classes, Rng? rng)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (classes <= 0) throw new ArgumentException($"NatsSizeNetwork: classes ({classes}) must be positive.", nameof(classes));
        Genome = genome;
        var layout = NatsSizeSpace.Layout(genome);
        _stem = RegisterModule("stem", new Sequential<T>(
            new Conv2d<T>(3, layout.StemChannels, 3, padding: 1, bias: false),
            new BatchNorm2d<T>(layout.StemChannels)));
        _cells = new Sequential<T>();
        foreach (var layer in layout.Layers)
            _cells.Add(layer.Kind == TinyLayerKind.Reduction
                ? new ResNetBasicBlock<T>(layer.InChannels, layer.OutChannels)
                : new WideningCell<T>(NatsSizeSpace.FixedCell, layer.InChannels, layer.OutChannels));
        RegisterModule("cells", _cells);
        _lastact = RegisterModule("lastact", new Sequential<T>(new BatchNorm2d<T>(layout.OutputChannels), new ReLU<T>()));
        _pool = RegisterModule("global_pooling", new AdaptiveAvgPool2d<T>());
        _classifier = RegisterModule("classifier", new Linear<T>(layout.OutputChannels, classes));
        if (rng is not null) ResetParameters(rng);
    }

    public NatsSizeGenome Genome { get; }

    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        _classifier.Forward(Ops.Flatten(_pool.Forward(_lastact.Forward(_cells.Forward(_stem.Forward(input))))));
}

/// <summary>
/// A NAS-Bench-201 inference cell whose input width may differ from its output width (xautodl's InferCell with
/// C_in ≠ C_out): edges leaving node 0 map C_in → C_out, the others C_out → C_out (see <see cref="TinyNetworkLayout"/>).
/// With C_in = C_out it is exactly <see cref="InferCell{T}"/>.
/// </summary>
public sealed class WideningCell<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ModuleList<T> _layers;

    public WideningCell(Nb201Genome genome, int inChannels, int outChannels)
    {
        _layers = RegisterModule("layers", new ModuleList<T>());
        for (int e = 0; e < Nb201Genome.EdgeCount; e++)
        {
            int cIn = Nb201Genome.Edges[e].From == 0 ? inChannels : outChannels;
            _layers.Add(cIn == outChannels ? Nb201Ops.Create<T>(genome[e], outChannels) : Widening(genome[e], cIn, outChannels));
        }
    }

    private static Module<T> Widening(Nb201Op op, int cIn, int cOut) => op switch
    {
        Nb201Op.None => new ZeroWidening<T>(cOut),
        Nb201Op.SkipConnect => new ProjectionBN<T>(cIn, cOut),
        Nb201Op.Conv1x1 => new ReLUConvBN<T>(cIn, cOut, 1, 1, 0),
        Nb201Op.Conv3x3 => new ReLUConvBN<T>(cIn, cOut, 3, 1, 1),
        Nb201Op.AvgPool3x3 => new ProjectedPooling<T>(cIn, cOut),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown NAS-Bench-201 operation."),
    };

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        var nodes = new Tensor<T>[4];
        nodes[0] = input;
        for (int j = 1; j <= 3; j++)
        {
            var terms = new List<Tensor<T>>(j);
            for (int e = 0; e < Nb201Genome.EdgeCount; e++)
                if (Nb201Genome.Edges[e].To == j) terms.Add(_layers[e].Forward(nodes[Nb201Genome.Edges[e].From]));
            nodes[j] = Ops.AddN(terms);
        }
        return nodes[3];
    }
}

/// <summary>'none' between different widths: zeros of width C_out with no gradient link (xautodl's x.new_zeros).</summary>
public sealed class ZeroWidening<T>(int outChannels) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        Tensors.Zeros<T>(input.Size(0), outChannels, input.Size(2), input.Size(3));
}

/// <summary>'skip_connect' between different widths: xautodl's FactorizedReduce at stride 1, Conv 1×1 (no bias) → BN,
/// named conv and bn. Its ReLU is never applied at stride 1, so it is not built.</summary>
public sealed class ProjectionBN<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Conv2d<T> _conv;
    private readonly BatchNorm2d<T> _bn;

    public ProjectionBN(int inChannels, int outChannels)
    {
        _conv = RegisterModule("conv", new Conv2d<T>(inChannels, outChannels, 1, bias: false));
        _bn = RegisterModule("bn", new BatchNorm2d<T>(outChannels));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => _bn.Forward(_conv.Forward(input));
}

/// <summary>'avg_pool_3x3' between different widths: ReLUConvBN 1×1 ("preprocess") then the pool ("op").</summary>
public sealed class ProjectedPooling<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReLUConvBN<T> _preprocess;
    private readonly AvgPool2d<T> _op;

    public ProjectedPooling(int inChannels, int outChannels)
    {
        _preprocess = RegisterModule("preprocess", new ReLUConvBN<T>(inChannels, outChannels, 1, 1, 0));
        _op = RegisterModule("op", new AvgPool2d<T>(3, 1, 1, countIncludePad: false));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => _op.Forward(_preprocess.Forward(input));
}
