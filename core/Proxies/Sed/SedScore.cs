using NasPS.Compute;
using NasPS.Spaces;
using NasPS.Spaces.NasBench101;
using NasPS.Spaces.NasBench201;
using NasPS.Spaces.NatsSize;

namespace NasPS.Proxies.Sed;

/// <summary>
/// NasPS's own SED-inspired proxy: a project definition (spec §7.3), not the SED paper's method, whose
/// formulas are not public. It scores an architecture from its topology alone — no weights, data or
/// forward pass — as the Gaussian "local entropy" (log-standard-deviation) its feature maps gain along the
/// network's live paths. docs/proxies.md derives it and lists the rejected candidates.
/// <para>Per operation on a live edge (one on some input→output path of non-<c>none</c> edges):
/// a k×k convolution over C input channels adds ½·ln(C·k²); a k×k average pool adds −ln k; a skip adds 0
/// (so does a width-matching 1×1 projection); <c>none</c> carries nothing. Per cell, each live skip beyond
/// the first costs <see cref="SkipPenalty"/> (skips crowd out transforming paths). The network score sums
/// the stem, every cell and every reduction block. A cell with no live edge makes the network output independent of its
/// input: the score is −∞, so such architectures rank last.</para>
/// <para>NAS-Bench-101 (<see cref="Score(Nb101Genome)"/>): the same terms on the operations of a cell's vertices, at
/// each vertex's width; max-pools act on rectified maps there, which gives them their own term
/// (<see cref="RectifiedMaxPoolEntropy"/>).</para>
/// </summary>
public sealed class SedScore
{
    public static SedScore Instance { get; } = new();

    private SedScore() { }

    public string Name => "sed";

    /// <summary>Changes whenever the definition (a term, the aggregation or <see cref="SkipPenalty"/>) or its
    /// arithmetic changes. 2: exact ties (cell entropy added as whole multiples of ½ln C and ln 3).</summary>
    public string Version => "2";

    public bool HigherIsBetter => true;

    /// <summary>Nats subtracted per cell for each live skip beyond the first. The one tuned parameter,
    /// chosen on NB201 CIFAR-10 accuracy only (tools/sed/explore.py).</summary>
    public const double SkipPenalty = 0.4;

    /// <exception cref="NotSupportedException">The genome's space has no SED definition.</exception>
    public double Score(Genome genome) => genome switch
    {
        null => throw new ArgumentNullException(nameof(genome)),
        Nb201Genome cell => Score(cell),
        NatsSizeGenome sizes => Score(sizes),
        Nb101Genome cell => Score(cell),
        _ => throw new NotSupportedException(
            $"The SED proxy has no definition for the {genome.SpaceName} space (architecture '{genome.Canonical}'); it scores NasBench201, NatsSize and NasBench101 architectures."),
    };

    /// <summary>The NB201 / NATS-TSS network (spec §1.1) with <paramref name="cell"/> in all 15 cell positions.</summary>
    public double Score(Nb201Genome cell) => NetworkEntropy(cell, TinyNetworkLayout.NasBench201);

    /// <summary>The NATS size-space network for channel counts C1..C5: one cell per stage, every cell
    /// <see cref="NatsSizeSpace.FixedCell"/> (NB201 index 9930).</summary>
    public double Score(NatsSizeGenome sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        return NetworkEntropy(NatsSizeSpace.FixedCell, TinyNetworkLayout.FromChannels(sizes.Channels));
    }

    /// <summary>
    /// The NAS-Bench-101 network (spec §2.1) with <paramref name="cell"/> in all nine cell positions: the stem, the two
    /// 2×2 max-pools between stacks and every cell's <see cref="Nb101CellEntropy"/>, which alone orders architectures.
    /// </summary>
    public double Score(Nb101Genome cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        double total = StemEntropy + (Nb101Network.Stacks - 1) * RectifiedMaxPoolEntropy(2);
        foreach (var (cIn, cOut, _) in Nb101Network.CellPlan(32))
            total += Nb101CellEntropy(cell, cIn, cOut);
        return total;
    }

    /// <summary>
    /// One NAS-Bench-101 cell: the sum, over its interior vertices, of the term of the vertex's operation at the vertex's
    /// width C_t (<see cref="Nb101Network.VertexChannels"/>): ½·ln(C_t·k²) for a k×k conv-bn-relu,
    /// <see cref="RectifiedMaxPoolEntropy"/>(3) for a max-pool. Every vertex of a pruned cell is on an input→output path
    /// (live). The 1×1 projections of the cell input match widths and score 0, as in NB201; the one skip a cell can
    /// have (input → output) is the free first skip of NB201's penalty, so the penalty never applies. Terms are added
    /// in sorted order so that cells with the same terms tie exactly, whatever their vertex order.
    /// </summary>
    public static double Nb101CellEntropy(Nb101Genome cell, int inChannels, int outChannels)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int[] channels = Nb101Network.VertexChannels(cell, inChannels, outChannels);
        Span<double> terms = stackalloc double[Nb101Genome.MaxVertices];
        int count = 0;
        for (int t = 1; t < cell.Output; t++)
        {
            terms[count++] = cell.OpAt(t) switch
            {
                Nb101Op.Conv3x3 => ConvEntropy(channels[t], 3),
                Nb101Op.Conv1x1 => ConvEntropy(channels[t], 1),
                _ => RectifiedMaxPoolEntropy(3),
            };
        }
        terms = terms[..count];
        terms.Sort();
        double sum = 0;
        foreach (double term in terms) sum += term;
        return sum;
    }

    private static readonly double MaxPool2x2 = RectifiedMaxVarianceRatio(4), MaxPool3x3 = RectifiedMaxVarianceRatio(9);

    /// <summary>
    /// Log-standard-deviation change of a k×k max-pool on a rectified map (NAS-Bench-101 pools the sum of ConvBnRelu
    /// outputs): ½·ln(Var max(0, M) / Var max(0, Z)), M the maximum of k² independent standard normals, Z one of
    /// them; +0.0225 for 3×3 and +0.139 for 2×2. (On Gaussian, unrectified values it would be ½·ln Var M: −0.51 and −0.35.)
    /// </summary>
    public static double RectifiedMaxPoolEntropy(int kernel) => kernel switch
    {
        1 => 0,
        2 => MaxPool2x2,
        3 => MaxPool3x3,
        _ => RectifiedMaxVarianceRatio(kernel * kernel),
    };

    /// <summary>½·ln(Var max(0, M_n) / Var max(0, Z)) by Simpson's rule on [−12, 12] (density of M_n: n·φ(x)·Φ(x)^(n−1)).</summary>
    private static double RectifiedMaxVarianceRatio(int n)
    {
        static (double Mean, double Square) Moments(int n)
        {
            const int Steps = 24_000; // even
            const double Low = -12, High = 12, H = (High - Low) / Steps;
            double mean = 0, square = 0;
            for (int i = 0; i <= Steps; i++)
            {
                double x = Low + i * H, weight = i == 0 || i == Steps ? 1 : i % 2 == 1 ? 4 : 2;
                if (x <= 0) continue; // max(0, M) is 0 there
                double density = n * SpecialFunctions.NormalPdf(x) * Math.Pow(SpecialFunctions.NormalCdf(x), n - 1);
                mean += weight * x * density;
                square += weight * x * x * density;
            }
            return (mean * H / 3, square * H / 3);
        }
        var (m, s) = Moments(n);
        var (m1, s1) = Moments(1);
        return 0.5 * Math.Log((s - m * m) / (s1 - m1 * m1));
    }

    /// <summary>The stem, then every layer of <paramref name="layout"/>: a cell's entropy or a reduction block's.
    /// Log-standard-deviation gains along a chain of blocks add.</summary>
    public static double NetworkEntropy(Nb201Genome cell, TinyNetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var composition = CellComposition.Of(cell);
        double total = StemEntropy;
        foreach (var layer in layout.Layers)
        {
            total += layer.Kind == TinyLayerKind.Cell
                ? composition.Entropy(layer.InChannels, layer.OutChannels)
                : ReductionBlockEntropy(layer.InChannels, layer.OutChannels);
        }
        return total;
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
    public static double CellEntropy(Nb201Genome cell, int inChannels, int outChannels) =>
        CellComposition.Of(cell).Entropy(inChannels, outChannels);

    /// <summary>
    /// What of a cell its entropy depends on: its live operations, counted. ½ln(C·k²) = ½ln C + ln k and a
    /// k×k pool is −ln k, so a 3×3 conv and a 3×3 pool cancel their ln 3 exactly. Adding whole multiples of
    /// ½ln C and ln 3 (not edge by edge) makes cells whose entropies are equal in exact arithmetic tie bit for
    /// bit, whatever edges their operations sit on.
    /// </summary>
    private readonly record struct CellComposition(bool Connected, int InputConvs, int InnerConvs, int Ln3Steps, int Skips)
    {
        public static CellComposition Of(Nb201Genome cell)
        {
            int live = LiveEdgeMask(cell);
            int inputConvs = 0, innerConvs = 0, ln3Steps = 0, skips = 0;
            for (int k = 0; k < Nb201Genome.EdgeCount; k++)
            {
                if ((live & (1 << k)) == 0) continue;
                bool fromInput = Nb201Genome.Edges[k].From == 0;
                switch (cell[k])
                {
                    case Nb201Op.Conv1x1:
                        if (fromInput) inputConvs++; else innerConvs++;
                        break;
                    case Nb201Op.Conv3x3:
                        if (fromInput) inputConvs++; else innerConvs++;
                        ln3Steps++;
                        break;
                    case Nb201Op.AvgPool3x3: ln3Steps--; break;
                    case Nb201Op.SkipConnect: skips++; break;
                }
            }
            return new CellComposition(live != 0, inputConvs, innerConvs, ln3Steps, skips);
        }

        public double Entropy(int inChannels, int outChannels) => !Connected
            ? double.NegativeInfinity
            : InputConvs * ConvEntropy(inChannels, 1) + InnerConvs * ConvEntropy(outChannels, 1) + Ln3Steps * Math.Log(3)
              - SkipPenalty * Math.Max(0, Skips - 1);
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
