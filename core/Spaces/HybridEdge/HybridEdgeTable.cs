namespace NasPS.Spaces.HybridEdge;

/// <summary>The block a stage repeats: an inverted residual (MBConv) or a transformer block.</summary>
public enum HybridBlock
{
    /// <summary>MBConv, 3×3 depthwise kernel.</summary>
    MB3,
    MB5,
    MB7,
    /// <summary>MBConv 3×3 with squeeze-and-excite.</summary>
    MB3SE,
    MB5SE,
    MB7SE,
    /// <summary>Transformer block over the flattened positions: pre-LN multi-head self-attention, then a pre-LN GELU MLP.</summary>
    Attention,
    /// <summary>The transformer block preceded by a local mixer: x + depthwise 3×3 conv (with bias) of x.</summary>
    AttentionConv,
}

/// <summary>The per-stage ranges of the HybridEdge space (project definition, docs/hybrid-edge.md), in one table.</summary>
/// <param name="Stride">Total stride of the stage's output (its first block halves the resolution).</param>
/// <param name="Widths">Output channel choices.</param>
/// <param name="Depths">Block-count choices (for attention stages: transformer blocks after the stride-2 MBConv).</param>
/// <param name="AllowsAttention">Whether transformer blocks may be chosen: only where the token count is small.</param>
public sealed record HybridStageRange(int Stride, int[] Widths, int[] Depths, bool AllowsAttention)
{
    public IReadOnlyList<HybridBlock> Blocks => AllowsAttention ? HybridEdgeTable.AllBlocks : HybridEdgeTable.ConvBlocks;
}

/// <summary>
/// The HybridEdge space declared as data. Stem: 3×3 conv, stride 2 → BN → hardswish. Four stages, each halving the
/// resolution (total strides 4, 8, 16, 32). Head: 1×1 conv → BN → hardswish → global average pool → linear.
/// <code>
/// stage  stride  widths                  depths  blocks
///   1      4     16 24 32                1–3     mb3 mb5 mb7 mb3se mb5se mb7se
///   2      8     32 48 64                1–4     mb3 mb5 mb7 mb3se mb5se mb7se
///   3     16     64 80 96 128            1–4     the six MBConvs, attn, attn_dw
///   4     32     96 128 160 192 256      1–4     the six MBConvs, attn, attn_dw
/// every stage: expansion 2 3 4 6; attention stages: heads 1 2 4, MLP ratio 2 3 4
/// stem widths 16 24 32; head widths 512 768 1024
/// </code>
/// At 224×224 attention runs over 14×14 = 196 tokens (stage 3) and 7×7 = 49 (stage 4); stages 1–2 (3,136 and 784 tokens)
/// are convolutional only, as in MobileViT and EfficientFormer.
/// </summary>
public static class HybridEdgeTable
{
    public static readonly IReadOnlyList<HybridBlock> ConvBlocks =
        [HybridBlock.MB3, HybridBlock.MB5, HybridBlock.MB7, HybridBlock.MB3SE, HybridBlock.MB5SE, HybridBlock.MB7SE];
    public static readonly IReadOnlyList<HybridBlock> AllBlocks = [.. ConvBlocks, HybridBlock.Attention, HybridBlock.AttentionConv];

    public static readonly IReadOnlyList<HybridStageRange> Stages =
    [
        new(Stride: 4, Widths: [16, 24, 32], Depths: [1, 2, 3], AllowsAttention: false),
        new(Stride: 8, Widths: [32, 48, 64], Depths: [1, 2, 3, 4], AllowsAttention: false),
        new(Stride: 16, Widths: [64, 80, 96, 128], Depths: [1, 2, 3, 4], AllowsAttention: true),
        new(Stride: 32, Widths: [96, 128, 160, 192, 256], Depths: [1, 2, 3, 4], AllowsAttention: true),
    ];

    public static readonly int[] Expansions = [2, 3, 4, 6];
    public static readonly int[] Heads = [1, 2, 4];
    public static readonly int[] MlpRatios = [2, 3, 4];
    public static readonly int[] StemWidths = [16, 24, 32];
    public static readonly int[] HeadWidths = [512, 768, 1024];

    /// <summary>Squeeze-and-excite bottleneck: max(8, block input channels / 4) (EfficientNet's rule on the input width).</summary>
    public static int SqueezeChannels(int blockInput) => Math.Max(8, blockInput / 4);

    /// <summary>The canonical token of a block type.</summary>
    public static string Token(HybridBlock block) => block switch
    {
        HybridBlock.MB3 => "mb3",
        HybridBlock.MB5 => "mb5",
        HybridBlock.MB7 => "mb7",
        HybridBlock.MB3SE => "mb3se",
        HybridBlock.MB5SE => "mb5se",
        HybridBlock.MB7SE => "mb7se",
        HybridBlock.Attention => "attn",
        HybridBlock.AttentionConv => "attn_dw",
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    public static bool IsAttention(this HybridBlock block) => block is HybridBlock.Attention or HybridBlock.AttentionConv;

    /// <summary>Depthwise kernel of an MBConv block type.</summary>
    public static int Kernel(this HybridBlock block) => block switch
    {
        HybridBlock.MB3 or HybridBlock.MB3SE => 3,
        HybridBlock.MB5 or HybridBlock.MB5SE => 5,
        HybridBlock.MB7 or HybridBlock.MB7SE => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, "Not an MBConv block."),
    };

    public static bool HasSqueezeExcite(this HybridBlock block) => block is HybridBlock.MB3SE or HybridBlock.MB5SE or HybridBlock.MB7SE;

    /// <summary>Side of a feature map after a stride-2 convolution with padding k/2 (odd k): ⌈side/2⌉.</summary>
    public static int Halve(int side) => (side + 1) / 2;
}
