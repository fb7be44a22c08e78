using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;

namespace NasPS.Proxies.Sed;

/// <summary>
/// NasPS's own SED-inspired proxy: a project definition (spec §7.3), not the SED paper's method, whose
/// formulas are not public. It scores an architecture from its topology alone — no weights, data or
/// forward pass — as the Gaussian "local entropy" (log-standard-deviation) its feature maps gain along the
/// network's live paths. docs/proxies.md derives it and lists the rejected candidates.
/// <para>Per operation on a live edge (one on some input→output path of non-<c>none</c> edges):
/// a k×k convolution over C input channels adds ½·ln(C·k²); a k×k average pool adds −ln k; a skip
/// adds 0 (a width-matching 1×1 projection too); <c>none</c> carries nothing. Per cell, each live skip beyond the first costs
/// <see cref="SkipPenalty"/> (skips crowd out transforming paths). The network score sums the stem, every
/// cell and every reduction block. A cell with no live edge makes the network output independent of its
/// input: the score is −∞, so such architectures rank last.</para>
/// </summary>
public sealed class SedScore
{
    public static SedScore Instance { get; } = new();

    private SedScore() { }

    public string Name => "sed";

    /// <summary>Changes whenever the definition (a term, the aggregation or <see cref="SkipPenalty"/>) changes.</summary>
    public string Version => "1";

    public bool HigherIsBetter => true;

    /// <summary>Nats subtracted per cell for each live skip beyond the first. The one tuned parameter,
    /// chosen on NB201 CIFAR-10 accuracy only (tools/sed/explore.py).</summary>
    public const double SkipPenalty = 0.4;

    /// <summary>Channels of the NB201 stem and first stage; each reduction doubles them (spec §1.1).</summary>
    private const int Nb201StemChannels = 16;
    private const int Nb201CellsPerStage = 5;
    private const int Nb201Stages = 3;

    /// <summary>The cell every NATS size-space network uses: NB201 index 9930,
    /// |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|
    /// (fixed in the NATS-Bench size-space training script, D-X-Y/AutoDL-Projects exps/NATS-Bench/main-sss.py).</summary>
    public static Nb201Genome NatsSizeCell { get; } = new(
        [Nb201Op.Conv3x3, Nb201Op.Conv3x3, Nb201Op.Conv3x3, Nb201Op.SkipConnect, Nb201Op.Conv3x3, Nb201Op.Conv3x3]);

    /// <exception cref="NotSupportedException">The genome's space has no SED definition.</exception>
    public double Score(Genome genome) => genome switch
    {
        Nb201Genome cell => Score(cell),
        NatsSizeGenome sizes => Score(sizes),
        _ => throw new NotSupportedException(
            $"The SED proxy has no definition for the {genome.SpaceName} space (architecture '{genome.Canonical}'); it scores NasBench201 and NatsSize architectures."),
    };

    /// <summary>The NB201 / NATS-TSS network (spec §1.1): stem, 3 stages of 5 copies of <paramref name="cell"/>
    /// at 16, 32, 64 channels, a reduction block between stages.</summary>
    public double Score(Nb201Genome cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        double total = StemEntropy;
        int channels = Nb201StemChannels;
        for (int stage = 0; stage < Nb201Stages; stage++)
        {
            if (stage > 0)
            {
                total += ReductionBlockEntropy(channels, 2 * channels);
                channels *= 2;
            }
            total += Nb201CellsPerStage * CellEntropy(cell, channels, channels);
        }
        return total;
    }

    /// <summary>
    /// The NATS size-space network for channel counts C1..C5 (xautodl DynamicShapeTinyNet, one cell per
    /// stage): stem 3→C1, cell(C1→C1), reduction(C1→C2), cell(C2→C3), reduction(C3→C4), cell(C4→C5),
    /// every cell being <see cref="NatsSizeCell"/>.
    /// </summary>
    public double Score(NatsSizeGenome sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var c = sizes.Channels;
        return StemEntropy
             + CellEntropy(NatsSizeCell, c[0], c[0])
             + ReductionBlockEntropy(c[0], c[1])
             + CellEntropy(NatsSizeCell, c[1], c[2])
             + ReductionBlockEntropy(c[2], c[3])
             + CellEntropy(NatsSizeCell, c[3], c[4]);
    }

    /// <summary>Log-standard-deviation gain of a k×k convolution over <paramref name="inChannels"/> channels with
    /// unit-variance weights: its output variance is C·k² times the input's.</summary>
    public static double ConvEntropy(int inChannels, int kernel) => 0.5 * Math.Log((double)inChannels * kernel * kernel);

    /// <summary>Log-standard-deviation change of a k×k average pool: averaging k² independent values divides
    /// the variance by k².</summary>
    public static double PoolEntropy(int kernel) => -Math.Log(kernel);

    /// <summary>The stem: a 3×3 convolution over the 3 image channels.</summary>
    public static double StemEntropy => ConvEntropy(3, 3);

    /// <summary>The residual reduction block (spec §1.2): a 3×3 conv over the input and a 3×3 conv over the
    /// output channels in the branch; in the shortcut a 2×2 average pool, then a 1×1 projection that only
    /// matches widths and, like every width-matching projection here, carries entropy unchanged.</summary>
    public static double ReductionBlockEntropy(int inChannels, int outChannels) =>
        ConvEntropy(inChannels, 3) + ConvEntropy(outChannels, 3) + PoolEntropy(2);

    /// <summary>
    /// One cell's entropy: the sum of the terms of its live edges, minus <see cref="SkipPenalty"/> per live
    /// skip beyond the first; −∞ when no edge is live. Convolutions on edges leaving node 0 read
    /// <paramref name="inChannels"/> channels, the others <paramref name="outChannels"/>. When the two differ,
    /// the reference cell puts a 1×1 width-matching projection on a skip or pool leaving node 0; it is not
    /// scored (it matches widths, it does not transform features), which keeps the score increasing in
    /// every width.
    /// </summary>
    public static double CellEntropy(Nb201Genome cell, int inChannels, int outChannels)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int live = LiveEdgeMask(cell);
        if (live == 0) return double.NegativeInfinity;
        double entropy = 0;
        int skips = 0;
        for (int k = 0; k < Nb201Genome.EdgeCount; k++)
        {
            if ((live & (1 << k)) == 0) continue;
            int channels = Nb201Genome.Edges[k].From == 0 ? inChannels : outChannels;
            switch (cell[k])
            {
                case Nb201Op.Conv1x1: entropy += ConvEntropy(channels, 1); break;
                case Nb201Op.Conv3x3: entropy += ConvEntropy(channels, 3); break;
                case Nb201Op.AvgPool3x3: entropy += PoolEntropy(3); break;
                case Nb201Op.SkipConnect: skips++; break;
            }
        }
        return entropy - SkipPenalty * Math.Max(0, skips - 1);
    }

    /// <summary>
    /// Bit k set when edge k (string order) is live: not <c>none</c>, its source reachable from node 0 and
    /// node 3 reachable from its target, both through non-<c>none</c> edges. Zero exactly for the cells
    /// that are disconnected (spec §1.3).
    /// </summary>
    public static int LiveEdgeMask(Nb201Genome cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var edges = Nb201Genome.Edges;
        // Edges are listed by ascending target (and source < target), so one forward pass settles
        // reachability from the input and one backward pass reachability to the output.
        int fromInput = 1; // bit j: node j reachable from node 0
        for (int k = 0; k < edges.Count; k++)
            if (cell[k] != Nb201Op.None && (fromInput & (1 << edges[k].From)) != 0) fromInput |= 1 << edges[k].To;
        int toOutput = 1 << 3; // bit j: node 3 reachable from node j
        for (int k = edges.Count - 1; k >= 0; k--)
            if (cell[k] != Nb201Op.None && (toOutput & (1 << edges[k].To)) != 0) toOutput |= 1 << edges[k].From;

        int live = 0;
        for (int k = 0; k < edges.Count; k++)
            if (cell[k] != Nb201Op.None && (fromInput & (1 << edges[k].From)) != 0 && (toOutput & (1 << edges[k].To)) != 0)
                live |= 1 << k;
        return live;
    }
}
