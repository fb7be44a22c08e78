namespace NasPS.Spaces.NasBench101;

/// <summary>
/// The NAS-Bench-101 network as FreeREA's PyTorch port builds it (spec §2.1–2.2; NiccoloCavagnero/FreeREA
/// <c>nas_spaces/_nasbench101/model.py</c>, same channel rules as google-research/nasbench <c>model_builder.py</c>):
/// stem ConvBnRelu(3 → 128, 3×3); 3 stacks of 3 cells, a 2×2 max-pool (stride 2) before stacks 2 and 3 where the width
/// doubles (128, 256, 512); mean over H, W; Linear(512 → classes, with bias).
/// Inside a cell of input C_in and output C_out, vertex t has <see cref="VertexChannels"/>[t] channels; its operation
/// maps that width to itself (conv-bn-relu: Conv without bias → BN → ReLU; max-pool 3×3 stride 1), and every edge from
/// the cell input is a 1×1 ConvBnRelu projection C_in → channels of its target (the output's being C_out).
/// Costs: parameters are conv weights, BN γ and β and the classifier; FLOPs are the MACs of every conv and of the
/// classifier (in·out + out), as for NAS-Bench-201.
/// </summary>
public static class Nb101Network
{
    public const int StemChannels = 128;
    public const int Stacks = 3;
    public const int CellsPerStack = 3;

    /// <summary>
    /// Channels of every vertex (ComputeVertexChannels): input C_in, output C_out; the interior vertices feeding the
    /// output share C_out equally, the first ones taking one extra channel each while a remainder is left; every other
    /// interior vertex takes the largest width among the interior vertices it feeds, filled from the back.
    /// </summary>
    public static int[] VertexChannels(Nb101Genome cell, int inChannels, int outChannels)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int n = cell.VertexCount, output = n - 1;
        var channels = new int[n];
        channels[0] = inChannels;
        channels[output] = outChannels;
        if (n == 2) return channels;

        int feeding = Enumerable.Range(1, n - 2).Count(v => cell.HasEdge(v, output));
        int share = outChannels / feeding, remainder = outChannels % feeding;
        for (int v = 1; v < output; v++)
        {
            if (!cell.HasEdge(v, output)) continue;
            channels[v] = share + (remainder > 0 ? 1 : 0);
            if (remainder > 0) remainder--;
        }
        for (int v = n - 3; v >= 1; v--)
        {
            if (cell.HasEdge(v, output)) continue;
            for (int w = v + 1; w < output; w++)
                if (cell.HasEdge(v, w)) channels[v] = Math.Max(channels[v], channels[w]);
        }
        return channels;
    }

    /// <summary>Trainable parameters of the whole network.</summary>
    public static long CountParameters(Nb101Genome cell, int classes)
    {
        ArgumentNullException.ThrowIfNull(cell);
        long total = 9L * 3 * StemChannels + 2L * StemChannels;
        foreach (var (cIn, cOut, _) in CellPlan(32))
            total += CellCost(cell, cIn, cOut).Parameters;
        long last = StemChannels << (Stacks - 1);
        return total + last * classes + classes;
    }

    /// <summary>Multiply-accumulates of one forward pass on one <paramref name="resolution"/>² image.</summary>
    public static long CountFlops(Nb101Genome cell, int resolution, int classes)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (resolution < 4) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "The input must be at least 4×4 (two 2×2 poolings).");
        long total = 9L * 3 * StemChannels * resolution * resolution;
        foreach (var (cIn, cOut, side) in CellPlan(resolution))
            total += CellCost(cell, cIn, cOut).MacsPerPixel * side * side;
        long last = StemChannels << (Stacks - 1);
        return total + last * classes + classes;
    }

    /// <summary>Each cell's input and output widths and its feature-map side, in network order.</summary>
    public static IEnumerable<(int In, int Out, long Side)> CellPlan(int resolution)
    {
        int cIn = StemChannels, cOut = StemChannels;
        long side = resolution;
        for (int stack = 0; stack < Stacks; stack++)
        {
            if (stack > 0)
            {
                cOut *= 2;
                side /= 2; // MaxPool2d(2, 2) floors
            }
            for (int k = 0; k < CellsPerStack; k++)
            {
                yield return (cIn, cOut, side);
                cIn = cOut;
            }
        }
    }

    private static (long Parameters, long MacsPerPixel) CellCost(Nb101Genome cell, int inChannels, int outChannels)
    {
        int[] channels = VertexChannels(cell, inChannels, outChannels);
        long parameters = 0, macs = 0;
        for (int t = 1; t < cell.VertexCount; t++)
        {
            long c = channels[t];
            if (t < cell.Output)
            {
                long kernelArea = cell.OpAt(t) switch { Nb101Op.Conv3x3 => 9, Nb101Op.Conv1x1 => 1, _ => 0 };
                if (kernelArea > 0)
                {
                    parameters += kernelArea * c * c + 2 * c;
                    macs += kernelArea * c * c;
                }
            }
            if (cell.HasEdge(0, t)) // 1×1 ConvBnRelu projection of the cell input
            {
                parameters += (long)inChannels * c + 2 * c;
                macs += (long)inChannels * c;
            }
        }
        return (parameters, macs);
    }
}
