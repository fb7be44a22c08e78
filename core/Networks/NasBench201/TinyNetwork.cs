using System.Numerics;
using NasPS.Compute;
using NasPS.Networks.Layers;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;

namespace NasPS.Networks.NasBench201;

/// <summary>
/// The NAS-Bench-201 / NATS-Bench-TSS network (spec §1.1–1.2): stem, three stages of N cells separated by two
/// residual reduction blocks, BN+ReLU, global average pooling and a linear classifier. Module and tensor names
/// follow the official xautodl TinyNetwork (spec §1.7), so its state loads strictly from the official names.
/// </summary>
public sealed class TinyNetwork<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _stem, _cells, _lastact;
    private readonly AdaptiveAvgPool2d<T> _pool;
    private readonly Linear<T> _classifier;

    /// <param name="genome">The cell used in every cell position.</param>
    /// <param name="classes">Classifier width (Dataset.Classes()).</param>
    /// <param name="rng">Initialises every tensor with PyTorch's layer defaults; null leaves conv and linear
    /// weights at zero, for a network whose weights will be loaded.</param>
    /// <param name="channels">C, the stage-1 width (16 in the benchmark).</param>
    /// <param name="cellsPerStage">N (5 in the benchmark).</param>
    /// <param name="cellOps">How the cells' convolution edges are built; null = the official network. See
    /// <see cref="Nb201CellOptions.ZeroCostNas"/> for the variant of spec §1.6.</param>
    public TinyNetwork(Nb201Genome genome, int classes, Rng? rng, int channels = 16, int cellsPerStage = 5, Nb201CellOptions? cellOps = null)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (classes <= 0 || channels <= 0 || cellsPerStage <= 0)
            throw new ArgumentException($"TinyNetwork: classes ({classes}), channels ({channels}) and cells per stage ({cellsPerStage}) must be positive.");
        Genome = genome;
        Classes = classes;

        _stem = RegisterModule("stem", new Sequential<T>(
            new Conv2d<T>(3, channels, 3, padding: 1, bias: false),
            new BatchNorm2d<T>(channels)));

        _cells = new Sequential<T>();
        int c = channels;
        for (int stage = 0; stage < 3; stage++)
        {
            if (stage > 0)
            {
                _cells.Add(new ResNetBasicBlock<T>(c, 2 * c));
                c *= 2;
            }
            for (int i = 0; i < cellsPerStage; i++) _cells.Add(new InferCell<T>(genome, c, cellOps ?? Nb201CellOptions.Official));
        }
        RegisterModule("cells", _cells);

        _lastact = RegisterModule("lastact", new Sequential<T>(new BatchNorm2d<T>(c), new ReLU<T>()));
        _pool = RegisterModule("global_pooling", new AdaptiveAvgPool2d<T>());
        _classifier = RegisterModule("classifier", new Linear<T>(c, classes));
        FeatureChannels = c;
        if (rng is not null) ResetParameters(rng);
    }

    /// <summary>The benchmark network (C = 16, N = 5) for <paramref name="dataset"/>'s class count.</summary>
    public static TinyNetwork<T> ForDataset(Nb201Genome genome, Dataset dataset, Rng? rng) => new(genome, dataset.Classes(), rng);

    public Nb201Genome Genome { get; }
    public int Classes { get; }
    public int FeatureChannels { get; }

    /// <summary>The feature map after the last BN+ReLU, before global pooling ([N, 4C, H/4, W/4]).</summary>
    public Tensor<T> Features(Tensor<T> input) => _lastact.Forward(_cells.Forward(_stem.Forward(input)));

    /// <summary>Logits [N, classes] for images [N, 3, H, W].</summary>
    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        _classifier.Forward(Ops.Flatten(_pool.Forward(Features(input))));
}

/// <summary>
/// A NAS-Bench-201 inference cell: node j (1..3) is the sum, in edge-string order, of op_{j←i}(node i) for i &lt; j;
/// the output is node 3. The six edge modules are "layers.0".."layers.5" in string order.
/// </summary>
public sealed class InferCell<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ModuleList<T> _layers;

    public InferCell(Nb201Genome genome, int channels, Nb201CellOptions options)
    {
        _layers = RegisterModule("layers", new ModuleList<T>());
        foreach (var op in genome.Ops) _layers.Add(Nb201Ops.Create<T>(op, channels, options));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        // With autograd the tape keeps what each edge computed, and the caller's scope owns it all. Without, an edge's
        // ReLU, convolution and BN outputs are dead once its node is summed, and nodes 1 and 2 once the cell is done:
        // scopes per node and per cell hand them back to the pool at once, so the next op reuses buffers that are still
        // in cache (a batch-128 forward otherwise keeps ~1.5 GB of them alive until its end).
        if (Tensors.IsGradEnabled) return Nodes(input, null);
        using var cell = Tensors.NewScope();
        return KeepOutside(Nodes(input, cell), cell);
    }

    private Tensor<T> Nodes(Tensor<T> input, TensorScope? cell)
    {
        var nodes = new Tensor<T>[4];
        nodes[0] = input;
        for (int j = 1; j <= 3; j++)
        {
            using var node = cell is null ? null : Tensors.NewScope();
            var terms = new List<SumTerm<T>>(j);
            int noneEdge = -1;
            for (int e = 0; e < Nb201Genome.EdgeCount; e++)
            {
                var (to, from) = Nb201Genome.Edges[e];
                if (to != j) continue;
                // A 'none' edge adds zeros, which changes nothing but the sign of a zero: it is summed only when no
                // other edge reaches the node.
                if (_layers[e] is Zero<T>) noneEdge = e;
                // Without autograd a ReLUConvBN edge leaves its BN to the node's sum (one pass fewer over its output),
                // and a pooling edge its pooling (its output is never written).
                else if (cell is not null && _layers[e] is ReLUConvBN<T> block && block.ForwardDeferred(nodes[from]) is { } deferred)
                    terms.Add(deferred);
                else if (cell is not null && _layers[e] is Pooling<T> pooling && pooling.ForwardDeferred(nodes[from]) is { } pooled)
                    terms.Add(pooled);
                else terms.Add(new(_layers[e].Forward(nodes[from])));
            }
            if (terms.Count == 0) terms.Add(new(_layers[noneEdge].Forward(nodes[Nb201Genome.Edges[noneEdge].From])));
            nodes[j] = terms.Any(t => t.Scale is not null || t.AveragePool3x3) ? Ops.SumTerms(terms) : Ops.AddN(terms.Select(t => t.X).ToList());
            if (node is not null) KeepOutside(nodes[j], node);
        }
        return nodes[3];
    }

    /// <summary>Moves <paramref name="tensor"/> out of <paramref name="scope"/> when the scope owns it (a node can also be
    /// the cell's input itself, through a skip connection, which stays where it is).</summary>
    private static Tensor<T> KeepOutside(Tensor<T> tensor, TensorScope scope) =>
        ReferenceEquals(tensor.Storage.Owner, scope) ? tensor.MoveToOuterScope() : tensor;
}

/// <summary>How the convolution edges of the cells are built.</summary>
/// <param name="ConvBias">Cell convolutions carry a bias.</param>
/// <param name="BatchNormAffine">Cell BNs have γ and β.</param>
/// <param name="BatchNormTracksRunningStats">Cell BNs keep running statistics (otherwise they always use batch statistics).</param>
public sealed record Nb201CellOptions(bool ConvBias, bool BatchNormAffine, bool BatchNormTracksRunningStats)
{
    /// <summary>The benchmark network: no conv bias, affine BNs with running statistics.</summary>
    public static readonly Nb201CellOptions Official = new(false, true, true);

    /// <summary>SamsungLabs/zero-cost-nas's copy (spec §1.6): cell convs with bias, cell BNs non-affine with batch statistics only.</summary>
    public static readonly Nb201CellOptions ZeroCostNas = new(true, false, false);
}

/// <summary>Creates the module of one NAS-Bench-201 edge operation (stride 1, C → C).</summary>
public static class Nb201Ops
{
    public static Module<T> Create<T>(Nb201Op op, int channels, Nb201CellOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T> => op switch
    {
        Nb201Op.None => new Zero<T>(),
        Nb201Op.SkipConnect => new Identity<T>(),
        Nb201Op.Conv1x1 => new ReLUConvBN<T>(channels, channels, 1, 1, 0, options ?? Nb201CellOptions.Official),
        Nb201Op.Conv3x3 => new ReLUConvBN<T>(channels, channels, 3, 1, 1, options ?? Nb201CellOptions.Official),
        Nb201Op.AvgPool3x3 => new Pooling<T>(),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown NAS-Bench-201 operation."),
    };
}

/// <summary>ReLU → Conv2d (no bias) → BatchNorm2d, named op.0, op.1, op.2 (pre-activation order).</summary>
public sealed class ReLUConvBN<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _op;
    private readonly ReLU<T> _relu;
    private readonly Conv2d<T> _conv;
    private readonly BatchNorm2d<T> _bn;

    public ReLUConvBN(int inChannels, int outChannels, int kernel, int stride, int padding, Nb201CellOptions? options = null)
    {
        var o = options ?? Nb201CellOptions.Official;
        _relu = new ReLU<T>();
        _conv = new Conv2d<T>(inChannels, outChannels, kernel, stride, padding, bias: o.ConvBias);
        _bn = new BatchNorm2d<T>(outChannels, affine: o.BatchNormAffine, trackRunningStats: o.BatchNormTracksRunningStats);
        _op = RegisterModule("op", new Sequential<T>(_relu, _conv, _bn));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => FusesReLU ? _bn.Forward(ReluConv(input)) : _op.Forward(input);

    /// <summary>
    /// The block's output left as BN's per-channel y = x·scale + shift for the caller to apply (inside a sum, see
    /// <see cref="Ops.SumTerms{T}"/>), when nothing records gradients and no hook needs the output of the block
    /// or of its modules; null otherwise (call <see cref="Module{T}.Forward"/>). Runs the block's pre-hooks.
    /// </summary>
    public SumTerm<T>? ForwardDeferred(Tensor<T> input)
    {
        if (Tensors.IsGradEnabled || HasForwardHooks || !FusesReLU || _bn.HasForwardHooks || _bn.HasForwardPreHooks) return null;
        RunForwardPreHooks(input);
        RunReluPreHooks(input);
        var c = _conv;
        var (output, moments) = Ops.ReluConv2dWithMoments(input, c.Weight, c.Bias, (c.Stride, c.Stride), (c.Padding, c.Padding),
            (c.Dilation, c.Dilation), c.Groups);
        return _bn.Deferred(output, moments);
    }

    // Unless a hook must see the ReLU's output (or the convolution's input), the ReLU is applied inside the
    // convolution (Ops.ReluConv2d), and input-only hooks still run, on the same input.
    private bool FusesReLU => !(_op.HasForwardHooks || _relu.HasForwardHooks || _conv.HasForwardHooks || _conv.HasForwardPreHooks);

    private void RunReluPreHooks(Tensor<T> input)
    {
        _op.RunForwardPreHooks(input);
        _relu.RunForwardPreHooks(input);
    }

    private Tensor<T> ReluConv(Tensor<T> input)
    {
        RunReluPreHooks(input);
        var c = _conv;
        return Ops.ReluConv2d(input, c.Weight, c.Bias, (c.Stride, c.Stride), (c.Padding, c.Padding), (c.Dilation, c.Dilation), c.Groups);
    }
}

/// <summary>avg_pool_3x3: AvgPool2d(3, stride 1, padding 1, count_include_pad = false), as child "op".</summary>
public sealed class Pooling<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly AvgPool2d<T> _op;

    public Pooling() => _op = RegisterModule("op", new AvgPool2d<T>(3, 1, 1, countIncludePad: false));

    protected override Tensor<T> ForwardCore(Tensor<T> input) => _op.Forward(input);

    /// <summary>The pooling left for the caller's sum (<see cref="Ops.SumTerms{T}"/>) when nothing records gradients and no
    /// hook needs its output; null otherwise. Runs the pre-hooks.</summary>
    public SumTerm<T>? ForwardDeferred(Tensor<T> input)
    {
        if (Tensors.IsGradEnabled || HasForwardHooks || _op.HasForwardHooks || input.Rank != 4) return null;
        RunForwardPreHooks(input);
        _op.RunForwardPreHooks(input);
        return new(input, AveragePool3x3: true);
    }
}

/// <summary>The reduction block: ReLUConvBN(in→out, 3×3, stride 2) → ReLUConvBN(out→out, 3×3), plus the shortcut
/// AvgPool2d(2, 2) → Conv2d 1×1 (no BN, no ReLU); output = shortcut + branch.</summary>
public sealed class ResNetBasicBlock<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReLUConvBN<T> _convA, _convB;
    private readonly Sequential<T> _downsample;

    public ResNetBasicBlock(int inChannels, int outChannels)
    {
        _convA = RegisterModule("conv_a", new ReLUConvBN<T>(inChannels, outChannels, 3, 2, 1));
        _convB = RegisterModule("conv_b", new ReLUConvBN<T>(outChannels, outChannels, 3, 1, 1));
        _downsample = RegisterModule("downsample", new Sequential<T>(
            new AvgPool2d<T>(2, 2),
            new Conv2d<T>(inChannels, outChannels, 1, bias: false)));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        var a = _convA.Forward(input);
        // Without autograd conv_b's BN is applied inside the sum with the shortcut (the same bits as BN, then add).
        if (_convB.ForwardDeferred(a) is { } deferred) return Ops.SumTerms([new(_downsample.Forward(input)), deferred]);
        var branch = _convB.Forward(a);
        var shortcut = _downsample.Forward(input);
        return Ops.Add(shortcut, branch);
    }
}
