namespace NasPS.Spaces.NasBench201;

/// <summary>What a layer of the tiny network is: a NAS-Bench-201 cell (stride 1) or a residual reduction block (stride 2).</summary>
public enum TinyLayerKind
{
    Cell,
    Reduction,
}

/// <summary>One layer of a <see cref="TinyNetworkLayout"/> with its input and output channels.</summary>
public readonly record struct TinyLayer(TinyLayerKind Kind, int InChannels, int OutChannels);

/// <summary>
/// The macro skeleton shared by NAS-Bench-201's TinyNetwork (spec §1.1) and NATS-Bench's size-space network
/// (AutoDL-Projects <c>xautodl/models/shape_infers/InferTinyCellNet.py</c>, DynamicShapeTinyNet), built from a channel
/// list of length 3N + 2:
/// <list type="bullet">
/// <item>stem: Conv2d(3 → channels[0], 3×3, pad 1, no bias) → BatchNorm2d;</item>
/// <item>layers 0..3N+1, layer i with output channels[i] and input channels[i−1] (channels[0] for layer 0):
///   layers N and 2N+1 are ResNetBasicblock reductions (stride 2), every other layer is a cell (stride 1);</item>
/// <item>lastact: BatchNorm2d(channels[^1]) → ReLU; global average pool; Linear(channels[^1] → classes, with bias).</item>
/// </list>
/// A cell with input C_in and output C_out: node j = Σ_i op_{j←i}(node i); edges leaving node 0 map C_in → C_out, the
/// others C_out → C_out. With C_in ≠ C_out an edge from node 0 changes width as follows: nor_conv_k = ReLU → Conv k×k
/// (C_in → C_out) → BN; skip_connect = Conv 1×1 (C_in → C_out, no bias) → BN, with no ReLU (FactorizedReduce at
/// stride 1); avg_pool_3x3 = ReLU → Conv 1×1 → BN, then the pool; none = zeros of width C_out. With C_in = C_out they
/// are the plain operations of spec §1.2. NAS-Bench-201 is channels = 16×5, 32×6, 64×6 (C = 16, N = 5).
/// <para>Costs follow the NAS-Bench-201 counting rule: parameters are conv weights, BN γ and β and the classifier;
/// FLOPs are multiply-accumulates of every Conv2d (k²·C_in·C_out·H_out·W_out) and of the classifier (in·out + out).</para>
/// </summary>
public sealed class TinyNetworkLayout
{
    private readonly int[] _channels;
    private readonly TinyLayer[] _layers;

    private TinyNetworkLayout(int[] channels)
    {
        _channels = channels;
        int n = channels.Length / 3;
        _layers = new TinyLayer[channels.Length];
        for (int i = 0; i < channels.Length; i++)
        {
            var kind = i == n || i == 2 * n + 1 ? TinyLayerKind.Reduction : TinyLayerKind.Cell;
            _layers[i] = new TinyLayer(kind, i == 0 ? channels[0] : channels[i - 1], channels[i]);
        }
    }

    /// <summary>The NAS-Bench-201 network: TinyNetwork(C = 16, N = 5).</summary>
    public static TinyNetworkLayout NasBench201 { get; } = FromChannels([.. Enumerable.Repeat(16, 5), .. Enumerable.Repeat(32, 6), .. Enumerable.Repeat(64, 6)]);

    /// <summary>The skeleton for a channel list of length 3N + 2 (N ≥ 1 cells per stage).</summary>
    public static TinyNetworkLayout FromChannels(IReadOnlyList<int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count < 5 || channels.Count % 3 != 2)
            throw new ArgumentException($"A tiny-network channel list has 3N + 2 entries (N ≥ 1 cells per stage), not {channels.Count}.", nameof(channels));
        foreach (int c in channels)
            if (c <= 0) throw new ArgumentOutOfRangeException(nameof(channels), c, "Channel counts must be positive.");
        return new TinyNetworkLayout([.. channels]);
    }

    public int StemChannels => _channels[0];
    public int OutputChannels => _channels[^1];
    public int CellsPerStage => _channels.Length / 3;
    public IReadOnlyList<TinyLayer> Layers => _layers;

    /// <summary>Trainable parameters with <paramref name="cell"/> in every cell position.</summary>
    public long CountParameters(Nb201Genome cell, int classes)
    {
        ArgumentNullException.ThrowIfNull(cell);
        long total = StemChannels * (27L + 2);
        foreach (var layer in _layers)
            total += layer.Kind == TinyLayerKind.Cell ? CellCost(cell, layer).Parameters : ReductionCost(layer).Parameters;
        return total + 2L * OutputChannels + (long)OutputChannels * classes + classes;
    }

    /// <summary>Multiply-accumulates of one forward pass on one <paramref name="resolution"/>² image.</summary>
    public long CountFlops(Nb201Genome cell, int resolution, int classes)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (resolution <= 0 || resolution % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "The input side must be a positive multiple of 4 (two stride-2 reductions).");
        long pixels = (long)resolution * resolution;
        long total = 27L * StemChannels * pixels;
        foreach (var layer in _layers)
        {
            if (layer.Kind == TinyLayerKind.Cell) total += CellCost(cell, layer).MacsPerPixel * pixels;
            else
            {
                pixels /= 4; // every conv of the block, the shortcut's included, works at the halved resolution
                total += ReductionCost(layer).MacsPerPixel * pixels;
            }
        }
        return total + (long)OutputChannels * classes + classes;
    }

    /// <summary>Convenience: the counts for a dataset's classes and resolution.</summary>
    public long CountParameters(Nb201Genome cell, Dataset dataset) => CountParameters(cell, dataset.Classes());
    public long CountFlops(Nb201Genome cell, Dataset dataset) => CountFlops(cell, dataset.Resolution(), dataset.Classes());

    private static (long Parameters, long MacsPerPixel) CellCost(Nb201Genome cell, TinyLayer layer)
    {
        long parameters = 0, macs = 0;
        long cOut = layer.OutChannels;
        for (int k = 0; k < Nb201Genome.EdgeCount; k++)
        {
            long cIn = Nb201Genome.Edges[k].From == 0 ? layer.InChannels : cOut;
            long kernelArea = cell[k] switch
            {
                Nb201Op.Conv3x3 => 9,
                Nb201Op.Conv1x1 => 1,
                Nb201Op.SkipConnect or Nb201Op.AvgPool3x3 when cIn != cOut => 1, // the 1×1 projection to C_out
                _ => 0,                                                            // none, identity, plain pool
            };
            if (kernelArea == 0) continue;
            parameters += kernelArea * cIn * cOut + 2 * cOut; // conv weights + BN γ, β
            macs += kernelArea * cIn * cOut;
        }
        return (parameters, macs);
    }

    /// <summary>ResNetBasicblock(in, out, stride 2): ReLUConvBN 3×3 (stride 2), ReLUConvBN 3×3, shortcut
    /// AvgPool 2×2 → Conv 1×1 (no BN).</summary>
    private static (long Parameters, long MacsPerPixel) ReductionCost(TinyLayer layer)
    {
        long i = layer.InChannels, o = layer.OutChannels;
        long macs = 9 * i * o + 9 * o * o + i * o;
        return (macs + 4 * o, macs);
    }
}
