using NasPS.Spaces.HybridEdge;

namespace NasPS.Proxies.Sed;

/// <summary>
/// The SED-inspired score extended to HybridEdge networks (project definition, docs/proxies.md "SED on HybridEdge"):
/// the same Gaussian log-standard-deviation bookkeeping as <see cref="SedScore"/>, summed along the main path, with
/// terms for the blocks NAS-Bench-201 lacks. A dense k×k convolution over C channels adds ½ln(C·k²)
/// (<see cref="SedScore.ConvEntropy"/>), a linear layer over C features ½ln C, a depthwise k×k convolution ln k.
/// <list type="bullet">
/// <item>Stem: ½ln(3·9). Head: its 1×1 convolution. The classifier is not scored (as on NB201).</item>
/// <item>MBConv: expand ½ln C_in, depthwise ln k, project ½ln(C_in·e); squeeze-excite 0 (a per-channel gate mixes no
/// positions).</item>
/// <item>Transformer block: local mixer (attn_dw) ln 3; value and output projections ½ln C each; MLP ½ln C + ½ln(r·C);
/// attention itself −½ln(max(1, L/h)): at initialisation each head averages its L tokens almost uniformly, which
/// divides the variance as an L-element average pool does (the pool term −ln k = −½ln k²), and h heads mixing
/// differently are counted as h independent averages. Large token counts lower the score as large pools do.</item>
/// </list>
/// Data-free and run-free; the resolution enters only through L. Not validated against accuracy (no HybridEdge ground truth).
/// </summary>
public static class HybridEdgeSed
{
    public static double Score(HybridEdgeGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        double total = SedScore.StemEntropy;
        int channels = genome.StemWidth, side = HybridEdgeTable.Halve(genome.Resolution);
        foreach (var stage in genome.Stages)
        {
            if (stage.Block.IsAttention())
            {
                total += MbConv(channels, 3, stage.Expansion);
                side = HybridEdgeTable.Halve(side);
                for (int d = 0; d < stage.Depth; d++) total += Transformer(stage, side * side);
            }
            else
            {
                for (int d = 0; d < stage.Depth; d++) total += MbConv(d == 0 ? channels : stage.Width, stage.Block.Kernel(), stage.Expansion);
                side = HybridEdgeTable.Halve(side);
            }
            channels = stage.Width;
        }
        return total + SedScore.ConvEntropy(channels, 1);
    }

    public static double MbConv(int input, int kernel, int expansion) =>
        SedScore.ConvEntropy(input, 1) + Math.Log(kernel) + SedScore.ConvEntropy(input * expansion, 1);

    public static double Transformer(HybridStage stage, int tokens)
    {
        double c = stage.Width;
        double mixer = stage.Block == HybridBlock.AttentionConv ? Math.Log(3) : 0;
        double projections = Math.Log(c); // value and output projections, ½ln C each
        double averaging = -0.5 * Math.Log(Math.Max(1.0, (double)tokens / stage.Heads));
        double mlp = 0.5 * Math.Log(c) + 0.5 * Math.Log(stage.MlpRatio * c);
        return mixer + projections + averaging + mlp;
    }
}
