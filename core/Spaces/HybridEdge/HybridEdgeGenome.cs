using System.Globalization;
using System.Text;

namespace NasPS.Spaces.HybridEdge;

/// <summary>One stage's choices. <see cref="Heads"/> and <see cref="MlpRatio"/> matter only for attention blocks; for
/// MBConv stages they hold the table's first values and are not printed.</summary>
public readonly record struct HybridStage(HybridBlock Block, int Depth, int Width, int Expansion, int Heads, int MlpRatio)
{
    /// <summary>Heads and MLP ratio reset to their defaults where the block does not use them (one form per architecture).</summary>
    public HybridStage Normalized() => Block.IsAttention() ? this : this with { Heads = HybridEdgeTable.Heads[0], MlpRatio = HybridEdgeTable.MlpRatios[0] };
}

/// <summary>
/// A HybridEdge architecture: stem width, four stages, head width. Canonical string, e.g.
/// <c>stem16|mb3:d2:w24:e4|mb5se:d3:w48:e4|attn_dw:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768</c>
/// (stage fields in fixed order: block, d depth, w width, e expansion, and for attention blocks h heads, m MLP ratio).
/// The input resolution and the number of classes are not part of the architecture: they come from the space the
/// genome was made in (<see cref="HybridEdgeSpace"/>), and <see cref="Resolution"/>/<see cref="Classes"/> carry them
/// to the network builder. Two genomes with the same string are equal whatever their resolution.
/// </summary>
public sealed class HybridEdgeGenome : Genome
{
    private readonly HybridStage[] _stages;

    public HybridEdgeGenome(int stemWidth, IReadOnlyList<HybridStage> stages, int headWidth, int resolution = HybridEdgeSpace.DefaultResolution,
        int classes = HybridEdgeSpace.DefaultClasses)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (!HybridEdgeTable.StemWidths.Contains(stemWidth)) throw new ArgumentOutOfRangeException(nameof(stemWidth), stemWidth, $"Stem widths are {string.Join(", ", HybridEdgeTable.StemWidths)}.");
        if (!HybridEdgeTable.HeadWidths.Contains(headWidth)) throw new ArgumentOutOfRangeException(nameof(headWidth), headWidth, $"Head widths are {string.Join(", ", HybridEdgeTable.HeadWidths)}.");
        if (stages.Count != HybridEdgeTable.Stages.Count) throw new ArgumentException($"A HybridEdge architecture has {HybridEdgeTable.Stages.Count} stages, not {stages.Count}.", nameof(stages));
        HybridEdgeSpace.CheckSetting(resolution, classes);
        _stages = new HybridStage[stages.Count];
        for (int i = 0; i < stages.Count; i++)
        {
            string? problem = HybridEdgeSpace.StageProblem(i, stages[i]);
            if (problem is not null) throw new ArgumentException($"Stage {i + 1}: {problem}", nameof(stages));
            _stages[i] = stages[i].Normalized();
        }
        (StemWidth, HeadWidth, Resolution, Classes) = (stemWidth, headWidth, resolution, classes);
    }

    public override string SpaceName => HybridEdgeSpace.SpaceName;

    public int StemWidth { get; }
    public int HeadWidth { get; }
    public IReadOnlyList<HybridStage> Stages => _stages;
    /// <summary>Input side in pixels (square images), a setting of the space.</summary>
    public int Resolution { get; }
    /// <summary>Classifier outputs, a setting of the space.</summary>
    public int Classes { get; }

    /// <summary>The same architecture for another input resolution and class count.</summary>
    public HybridEdgeGenome WithSetting(int resolution, int classes) => new(StemWidth, _stages, HeadWidth, resolution, classes);

    protected override string FormatCanonical()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"stem{StemWidth}");
        foreach (var s in _stages)
        {
            text.Append(CultureInfo.InvariantCulture, $"|{HybridEdgeTable.Token(s.Block)}:d{s.Depth}:w{s.Width}:e{s.Expansion}");
            if (s.Block.IsAttention()) text.Append(CultureInfo.InvariantCulture, $":h{s.Heads}:m{s.MlpRatio}");
        }
        text.Append(CultureInfo.InvariantCulture, $"|head{HeadWidth}");
        return text.ToString();
    }
}
