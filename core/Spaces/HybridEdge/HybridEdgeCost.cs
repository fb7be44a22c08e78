namespace NasPS.Spaces.HybridEdge;

/// <summary>
/// Analytic parameters and multiply-accumulates of a HybridEdge network (what <see cref="Networks.HybridEdge.HybridEdgeNetwork{T}"/>
/// builds; a test checks the parameter count against the built network over many genomes). Counting rule for MACs:
/// convolutions H_out·W_out·C_out·(C_in/groups)·k²; linear layers tokens·in·out; attention Q·Kᵀ and A·V L²·C each
/// (L tokens, C = heads·head_dim); the squeeze-excite 1×1 convolutions on their 1×1 map. Not counted: biases,
/// batch/layer norms, activations, softmax, the scaling by 1/√d, residual additions, the squeeze-excite product and pooling.
/// </summary>
public static class HybridEdgeCost
{
    public static (long Parameters, long Macs) Of(HybridEdgeGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        var c = new Counter();
        int side = HybridEdgeTable.Halve(genome.Resolution);
        c.Conv(3, genome.StemWidth, 3, 1, bias: false, side);
        c.Norm(genome.StemWidth);
        int channels = genome.StemWidth;
        foreach (var stage in genome.Stages)
        {
            if (stage.Block.IsAttention())
            {
                side = MbConv(c, channels, stage.Width, 3, stride: 2, stage.Expansion, squeeze: false, side);
                for (int d = 0; d < stage.Depth; d++) Transformer(c, stage.Width, stage.MlpRatio, stage.Block == HybridBlock.AttentionConv, side);
            }
            else
            {
                for (int d = 0; d < stage.Depth; d++)
                    side = MbConv(c, d == 0 ? channels : stage.Width, stage.Width, stage.Block.Kernel(), d == 0 ? 2 : 1, stage.Expansion, stage.Block.HasSqueezeExcite(), side);
            }
            channels = stage.Width;
        }
        c.Conv(channels, genome.HeadWidth, 1, 1, bias: false, side);
        c.Norm(genome.HeadWidth);
        c.Linear(genome.HeadWidth, genome.Classes, 1);
        return (c.Parameters, c.Macs);
    }

    /// <summary>Counts one MBConv block on a <paramref name="side"/>² input; returns the output side.</summary>
    private static int MbConv(Counter c, int input, int output, int kernel, int stride, int expansion, bool squeeze, int side)
    {
        int hidden = input * expansion;
        c.Conv(input, hidden, 1, 1, bias: false, side);
        c.Norm(hidden);
        int outSide = stride == 2 ? HybridEdgeTable.Halve(side) : side;
        c.Conv(hidden, hidden, kernel, hidden, bias: false, outSide);
        c.Norm(hidden);
        if (squeeze)
        {
            int r = HybridEdgeTable.SqueezeChannels(input);
            c.Conv(hidden, r, 1, 1, bias: true, 1);
            c.Conv(r, hidden, 1, 1, bias: true, 1);
        }
        c.Conv(hidden, output, 1, 1, bias: false, outSide);
        c.Norm(output);
        return outSide;
    }

    private static void Transformer(Counter c, int width, int mlpRatio, bool localMixer, int side)
    {
        long tokens = (long)side * side;
        if (localMixer) c.Conv(width, width, 3, width, bias: true, side);
        c.Norm(width);
        c.Linear(width, 3 * width, tokens);
        c.Macs += 2L * tokens * tokens * width;
        c.Linear(width, width, tokens);
        c.Norm(width);
        c.Linear(width, mlpRatio * width, tokens);
        c.Linear(mlpRatio * width, width, tokens);
    }

    private sealed class Counter
    {
        public long Parameters;
        public long Macs;

        public void Conv(int input, int output, int kernel, int groups, bool bias, int outSide)
        {
            long weights = (long)output * (input / groups) * kernel * kernel;
            Parameters += weights + (bias ? output : 0);
            Macs += weights * outSide * outSide;
        }

        /// <summary>A batch or layer norm with affine parameters.</summary>
        public void Norm(int channels) => Parameters += 2L * channels;

        public void Linear(int input, int output, long tokens)
        {
            Parameters += (long)input * output + output;
            Macs += tokens * input * output;
        }
    }
}
