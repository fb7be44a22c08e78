using System.Globalization;
using System.Numerics;
using NasPS.Compute;
using NasPS.Networks.Layers;
using NasPS.Randomness;
using NasPS.Spaces.NasBench101;

namespace NasPS.Networks.NasBench101;

/// <summary>
/// The NAS-Bench-101 network (spec §2.1–2.2) as FreeREA's PyTorch port builds it: "layers" holds the stem
/// ConvBnRelu(3 → stem, 3×3), then 3 stacks of 3 <see cref="Nb101Cell{T}"/>s with a MaxPool2d(2, 2) before stacks 2
/// and 3, where the width doubles; the mean over H and W feeds "classifier", a Linear with bias. Module and tensor names
/// follow FreeREA's model.py (layers.0.conv_bn_relu.0.weight, layers.1.vertex_op.2.conv3x3.conv_bn_relu.1.running_var,
/// layers.1.input_op.5.conv_bn_relu.0.weight, classifier.weight), so weights can be exchanged by name. Its parameter
/// count is <see cref="Nb101Network.CountParameters"/> for the benchmark's 128-channel stem.
/// </summary>
public sealed class NasBench101Network<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _layers;
    private readonly AdaptiveAvgPool2d<T> _pool = new();
    private readonly Linear<T> _classifier;

    /// <param name="cell">The cell used in all nine cell positions.</param>
    /// <param name="classes">Classifier width (Dataset.Classes()).</param>
    /// <param name="rng">Initialises every tensor with PyTorch's layer defaults; null leaves conv and linear weights at
    /// zero, for a network whose weights will be loaded or initialised by a proxy's protocol.</param>
    /// <param name="stemChannels">Width of the stem and the first stack (128 in the benchmark; NASWOT's own NB101
    /// scoring uses 16, spec §2.2).</param>
    public NasBench101Network(Nb101Genome cell, int classes, Rng? rng, int stemChannels = Nb101Network.StemChannels)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (classes <= 0 || stemChannels <= 0)
            throw new ArgumentException($"NasBench101Network: classes ({classes}) and stem channels ({stemChannels}) must be positive.");
        Cell = cell;
        _layers = RegisterModule("layers", new Sequential<T>(new ConvBnRelu<T>(3, stemChannels, 3, padding: 1)));
        int inChannels = stemChannels, outChannels = stemChannels;
        for (int stack = 0; stack < Nb101Network.Stacks; stack++)
        {
            if (stack > 0)
            {
                _layers.Add(new MaxPool2d<T>(2, 2));
                outChannels *= 2;
            }
            for (int k = 0; k < Nb101Network.CellsPerStack; k++)
            {
                _layers.Add(new Nb101Cell<T>(cell, inChannels, outChannels));
                inChannels = outChannels;
            }
        }
        _classifier = RegisterModule("classifier", new Linear<T>(outChannels, classes));
        if (rng is not null) ResetParameters(rng);
    }

    public Nb101Genome Cell { get; }

    /// <summary>Logits [N, classes] for images [N, 3, H, W] (H, W ≥ 4).</summary>
    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        _classifier.Forward(Ops.Flatten(_pool.Forward(_layers.Forward(input))));
}

/// <summary>
/// One NAS-Bench-101 cell of input width C_in and output width C_out (spec §2.1). Vertex t has
/// <see cref="Nb101Network.VertexChannels"/>[t] channels. An interior vertex sums, in this order, its interior
/// predecessors' outputs truncated to its width (the first channels; at most one is dropped) and, when the input feeds
/// it, a 1×1 ConvBnRelu projection of the cell input ("input_op.t"); then applies its operation ("vertex_op.t"). The
/// output concatenates the interior vertices that feed it and adds the projection "input_op.(n−1)" of the input when
/// the input feeds it; with no interior vertex feeding it, the projection is the output.
/// </summary>
public sealed class Nb101Cell<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Nb101Genome _cell;
    private readonly int[] _channels;
    private readonly Module<T>?[] _vertexOps;
    private readonly Module<T>?[] _inputOps;

    public Nb101Cell(Nb101Genome cell, int inChannels, int outChannels)
    {
        ArgumentNullException.ThrowIfNull(cell);
        _cell = cell;
        _channels = Nb101Network.VertexChannels(cell, inChannels, outChannels);
        int n = cell.VertexCount;
        _vertexOps = new Module<T>?[n];
        _inputOps = new Module<T>?[n];
        var vertexOps = RegisterModule("vertex_op", new IndexedModules<T>());
        for (int t = 1; t < cell.Output; t++)
            _vertexOps[t] = vertexOps.Add(t, new Nb101VertexOp<T>(cell.OpAt(t), _channels[t]));
        var inputOps = RegisterModule("input_op", new IndexedModules<T>());
        for (int t = 1; t < n; t++)
            if (cell.HasEdge(0, t)) _inputOps[t] = inputOps.Add(t, new ConvBnRelu<T>(inChannels, _channels[t], 1));
    }

    /// <summary>Channels of every vertex, input and output included.</summary>
    public IReadOnlyList<int> VertexChannels => _channels;

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        int output = _cell.Output;
        var vertices = new Tensor<T>[_cell.VertexCount];
        vertices[0] = input;
        var concat = new List<Tensor<T>>();
        for (int t = 1; t < output; t++)
        {
            var fanIn = new List<Tensor<T>>(t);
            for (int src = 1; src < t; src++)
                if (_cell.HasEdge(src, t)) fanIn.Add(Truncate(vertices[src], _channels[t]));
            if (_cell.HasEdge(0, t)) fanIn.Add(_inputOps[t]!.Forward(input));
            vertices[t] = _vertexOps[t]!.Forward(Ops.AddN(fanIn));
            if (_cell.HasEdge(t, output)) concat.Add(vertices[t]);
        }
        if (concat.Count == 0) return _inputOps[output]!.Forward(input); // pruning leaves the input → output edge
        var result = concat.Count == 1 ? concat[0] : Ops.Concat(concat, 1);
        return _cell.HasEdge(0, output) ? Ops.Add(result, _inputOps[output]!.Forward(input)) : result;
    }

    /// <summary>The first <paramref name="channels"/> channels (vertex widths never grow along an edge).</summary>
    private static Tensor<T> Truncate(Tensor<T> x, int channels) => x.Size(1) == channels ? x : Ops.Slice(x, 1, 0, channels);
}

/// <summary>Conv2d (no bias) → BatchNorm2d → ReLU, as child "conv_bn_relu" (FreeREA's base_ops.ConvBnRelu; its type
/// name does not contain "ReLU", so the official NASWOT filter hooks only its inner ReLU, as in PyTorch).</summary>
public sealed class ConvBnRelu<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _op;

    public ConvBnRelu(int inChannels, int outChannels, int kernel, int padding = 0)
    {
        _op = RegisterModule("conv_bn_relu", new Sequential<T>(
            new Conv2d<T>(inChannels, outChannels, kernel, 1, padding, bias: false),
            new BatchNorm2d<T>(outChannels),
            new ReLU<T>()));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => _op.Forward(input);
}

/// <summary>An interior vertex's operation at width C → C, under FreeREA's child name: "conv3x3" and "conv1x1"
/// (ConvBnRelu with 'same' padding) or "maxpool" (MaxPool2d(3, stride 1, padding 1)).</summary>
public sealed class Nb101VertexOp<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Module<T> _op;

    public Nb101VertexOp(Nb101Op op, int channels)
    {
        _op = op switch
        {
            Nb101Op.Conv3x3 => RegisterModule("conv3x3", new ConvBnRelu<T>(channels, channels, 3, padding: 1)),
            Nb101Op.Conv1x1 => RegisterModule("conv1x1", new ConvBnRelu<T>(channels, channels, 1)),
            Nb101Op.MaxPool3x3 => RegisterModule("maxpool", new MaxPool2d<T>(3, 1, 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown NAS-Bench-101 operation."),
        };
        Op = op;
    }

    public Nb101Op Op { get; }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => _op.Forward(input);
}

/// <summary>Children named by vertex number with gaps, like a PyTorch ModuleList holding None at some indices; the
/// owner calls the items itself.</summary>
public sealed class IndexedModules<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public TModule Add<TModule>(int index, TModule module) where TModule : Module<T> =>
        RegisterModule(index.ToString(CultureInfo.InvariantCulture), module);

    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        throw new InvalidOperationException("IndexedModules has no forward pass; its owner calls the items.");
}
