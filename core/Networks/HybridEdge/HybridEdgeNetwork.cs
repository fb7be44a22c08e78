using System.Numerics;
using NasPS.Compute;
using NasPS.Compute.Autograd;
using NasPS.Networks.Layers;
using NasPS.Randomness;
using NasPS.Spaces.HybridEdge;

namespace NasPS.Networks.HybridEdge;

/// <summary>
/// The network of a <see cref="HybridEdgeGenome"/> (docs/hybrid-edge.md; examples/hybrid_to_torch.py builds the same
/// module tree in PyTorch, so state names match). Module names: stem (conv, BN, hardswish), stages.i.j (blocks),
/// head (1×1 conv, BN, hardswish), pool, classifier. Every block's nonlinearity is its own module (Hardswish, GELU,
/// ReLU, Sigmoid), so activation proxies reach them with forward hooks.
/// </summary>
public sealed class HybridEdgeNetwork<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _stem, _head;
    private readonly Sequential<T> _stages;
    private readonly AdaptiveAvgPool2d<T> _pool;
    private readonly Linear<T> _classifier;

    /// <param name="rng">Initialises every tensor with PyTorch's layer defaults; null leaves weights at zero.</param>
    public HybridEdgeNetwork(HybridEdgeGenome genome, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(genome);
        Genome = genome;
        _stem = RegisterModule("stem", ConvBnAct(3, genome.StemWidth, 3, 2, 1));
        _stages = new Sequential<T>();
        int channels = genome.StemWidth;
        foreach (var stage in genome.Stages)
        {
            var blocks = new Sequential<T>();
            if (stage.Block.IsAttention())
            {
                blocks.Add(new MBConvBlock<T>(channels, stage.Width, 3, 2, stage.Expansion, squeeze: false));
                for (int d = 0; d < stage.Depth; d++)
                    blocks.Add(new TransformerBlock<T>(stage.Width, stage.Heads, stage.MlpRatio, stage.Block == HybridBlock.AttentionConv));
            }
            else
            {
                for (int d = 0; d < stage.Depth; d++)
                    blocks.Add(new MBConvBlock<T>(d == 0 ? channels : stage.Width, stage.Width, stage.Block.Kernel(), d == 0 ? 2 : 1,
                        stage.Expansion, stage.Block.HasSqueezeExcite()));
            }
            _stages.Add(blocks);
            channels = stage.Width;
        }
        RegisterModule("stages", _stages);
        _head = RegisterModule("head", ConvBnAct(channels, genome.HeadWidth, 1, 1, 1));
        _pool = RegisterModule("pool", new AdaptiveAvgPool2d<T>());
        _classifier = RegisterModule("classifier", new Linear<T>(genome.HeadWidth, genome.Classes));
        if (rng is not null) ResetParameters(rng);
    }

    public HybridEdgeGenome Genome { get; }

    /// <summary>The input side the network is defined for.</summary>
    public int Resolution => Genome.Resolution;

    /// <summary>Conv (no bias) → BN → hardswish; groups = <paramref name="groups"/>.</summary>
    internal static Sequential<T> ConvBnAct(int input, int output, int kernel, int stride, int groups, bool act = true)
    {
        var s = new Sequential<T>(new Conv2d<T>(input, output, kernel, stride, kernel / 2, groups: groups, bias: false), new BatchNorm2d<T>(output));
        if (act) s.Add(new Hardswish<T>());
        return s;
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        if (input.Rank != 4 || input.Size(1) != 3 || input.Size(2) != Resolution || input.Size(3) != Resolution)
            throw new ArgumentException($"HybridEdge network '{Genome.Canonical}' takes [N, 3, {Resolution}, {Resolution}] input, got {Shapes.Format(input.Shape)}.", nameof(input));
        var x = _head.Forward(_stages.Forward(_stem.Forward(input)));
        return _classifier.Forward(Ops.Flatten(_pool.Forward(x)));
    }
}

/// <summary>Inverted residual: 1×1 expand → BN → hardswish, k×k depthwise (stride) → BN → hardswish, optional
/// squeeze-excite, 1×1 project → BN; identity shortcut when stride 1 and widths match.</summary>
public sealed class MBConvBlock<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _expand, _depthwise, _project;
    private readonly SqueezeExcite<T>? _squeeze;
    private readonly bool _residual;

    public MBConvBlock(int input, int output, int kernel, int stride, int expansion, bool squeeze)
    {
        int hidden = input * expansion;
        _expand = RegisterModule("expand", HybridEdgeNetwork<T>.ConvBnAct(input, hidden, 1, 1, 1));
        _depthwise = RegisterModule("dw", HybridEdgeNetwork<T>.ConvBnAct(hidden, hidden, kernel, stride, hidden));
        if (squeeze) _squeeze = RegisterModule("se", new SqueezeExcite<T>(hidden, HybridEdgeTable.SqueezeChannels(input)));
        _project = RegisterModule("project", HybridEdgeNetwork<T>.ConvBnAct(hidden, output, 1, 1, 1, act: false));
        _residual = stride == 1 && input == output;
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        var y = _depthwise.Forward(_expand.Forward(input));
        if (_squeeze is not null) y = _squeeze.Forward(y);
        y = _project.Forward(y);
        return _residual ? Ops.Add(input, y) : y;
    }
}

/// <summary>Squeeze-and-excite: x · sigmoid(conv(relu(conv(avgpool(x))))), 1×1 convs with bias.</summary>
public sealed class SqueezeExcite<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly AdaptiveAvgPool2d<T> _pool;
    private readonly Conv2d<T> _reduce, _expand;
    private readonly ReLU<T> _act;
    private readonly Sigmoid<T> _gate;

    public SqueezeExcite(int channels, int squeezed)
    {
        _pool = RegisterModule("pool", new AdaptiveAvgPool2d<T>());
        _reduce = RegisterModule("reduce", new Conv2d<T>(channels, squeezed, 1));
        _act = RegisterModule("act", new ReLU<T>());
        _expand = RegisterModule("expand", new Conv2d<T>(squeezed, channels, 1));
        _gate = RegisterModule("gate", new Sigmoid<T>());
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        ChannelGate.Apply(input, _gate.Forward(_expand.Forward(_act.Forward(_reduce.Forward(_pool.Forward(input))))));
}

/// <summary>
/// Transformer block on a feature map [N, C, H, W]: optionally x + mixer(x) (depthwise 3×3 conv with bias, the local
/// mixer), then over the H·W tokens t = t + attn(norm1(t)) and t = t + mlp(norm2(t)) (pre-LN; MLP fc1 → GELU → fc2);
/// returns [N, C, H, W].
/// </summary>
public sealed class TransformerBlock<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Conv2d<T>? _mixer;
    private readonly LayerNorm<T> _norm1, _norm2;
    private readonly MultiHeadSelfAttention<T> _attention;
    private readonly Sequential<T> _mlp;

    public TransformerBlock(int width, int heads, int mlpRatio, bool localMixer)
    {
        if (localMixer) _mixer = RegisterModule("mixer", new Conv2d<T>(width, width, 3, 1, 1, groups: width));
        _norm1 = RegisterModule("norm1", new LayerNorm<T>([width]));
        _attention = RegisterModule("attn", new MultiHeadSelfAttention<T>(width, heads));
        _norm2 = RegisterModule("norm2", new LayerNorm<T>([width]));
        _mlp = RegisterModule("mlp", new Sequential<T>(new Linear<T>(width, mlpRatio * width), new GELU<T>(), new Linear<T>(mlpRatio * width, width)));
    }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        var x = _mixer is null ? input : Ops.Add(input, _mixer.Forward(input));
        var t = Ops.Permute(Ops.Reshape(x, n, c, h * w), 0, 2, 1);
        t = Ops.Add(t, _attention.Forward(_norm1.Forward(t)));
        t = Ops.Add(t, _mlp.Forward(_norm2.Forward(t)));
        return Ops.Reshape(Ops.Permute(t, 0, 2, 1), n, c, h, w);
    }
}

/// <summary>Multi-head self-attention on tokens [N, L, C]: qkv = Linear(C, 3C) split as (3, heads, C/heads);
/// softmax((q/√d)·kᵀ)·v per head; heads concatenated; proj = Linear(C, C).</summary>
public sealed class MultiHeadSelfAttention<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T> _qkv, _proj;

    public MultiHeadSelfAttention(int width, int heads)
    {
        if (heads < 1 || width % heads != 0) throw new ArgumentException($"Attention width {width} is not divisible by {heads} heads.");
        (Width, Heads) = (width, heads);
        _qkv = RegisterModule("qkv", new Linear<T>(width, 3 * width));
        _proj = RegisterModule("proj", new Linear<T>(width, width));
    }

    public int Width { get; }
    public int Heads { get; }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        int n = input.Size(0), l = input.Size(1), d = Width / Heads;
        var qkv = Ops.Permute(Ops.Reshape(_qkv.Forward(input), n, l, 3, Heads, d), 2, 0, 3, 1, 4); // [3, N, heads, L, d]
        Tensor<T> Part(int i) => Ops.Reshape(Ops.Slice(qkv, 0, i, 1), n * Heads, l, d);
        var q = Ops.Scale(Part(0), T.One / T.Sqrt(T.CreateTruncating(d)));
        var scores = Ops.Softmax(Ops.MatMul(q, Ops.Transpose(Part(1), 1, 2)), -1);
        var heads = Ops.MatMul(scores, Part(2)); // [N·heads, L, d]
        var merged = Ops.Reshape(Ops.Permute(Ops.Reshape(heads, n, Heads, l, d), 0, 2, 1, 3), n, l, Width);
        return _proj.Forward(merged);
    }
}

/// <summary>x [N, C, H, W] times a per-channel gate s [N, C, 1, 1] (the squeeze-excite product).</summary>
internal static class ChannelGate
{
    public static Tensor<T> Apply<T>(Tensor<T> x, Tensor<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = x.Size(0) * x.Size(1), area = x.Size(2) * x.Size(3);
        if (s.Length != planes) throw new ArgumentException($"channel gate: {Shapes.Format(s.Shape)} does not match {Shapes.Format(x.Shape)}.");
        var y = Tensors.Empty<T>(x.ShapeArray);
        var xs = x.ReadOnlySpan;
        var ys = y.Span;
        var gs = s.ReadOnlySpan;
        for (int p = 0; p < planes; p++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(xs.Slice(p * area, area), gs[p], ys.Slice(p * area, area));
        return Graph.Record(y, "channel_gate", [x, s], dy =>
        {
            Tensor<T>? dx = null, ds = null;
            var g = dy.ReadOnlySpan;
            if (x.RequiresGrad)
            {
                dx = Tensors.Empty<T>(x.ShapeArray);
                var d = dx.Span;
                var gate = s.ReadOnlySpan;
                for (int p = 0; p < planes; p++)
                    System.Numerics.Tensors.TensorPrimitives.Multiply(g.Slice(p * area, area), gate[p], d.Slice(p * area, area));
            }
            if (s.RequiresGrad)
            {
                ds = Tensors.Empty<T>(s.ShapeArray);
                var d = ds.Span;
                var xv = x.ReadOnlySpan;
                for (int p = 0; p < planes; p++) d[p] = System.Numerics.Tensors.TensorPrimitives.Dot(g.Slice(p * area, area), xv.Slice(p * area, area));
            }
            return [dx, ds];
        });
    }
}
