using System.Globalization;
using NasPS.Randomness;

namespace NasPS.Spaces.HybridEdge;

/// <summary>
/// HybridEdge: a project-defined space of mobile convolution–transformer hybrids for ImageNet-style classification
/// (spec §7.2 option; MobileViT / EfficientFormer-like; ranges in <see cref="HybridEdgeTable"/>, docs/hybrid-edge.md).
/// <para><b>Setting.</b> The input resolution (default 224) and the number of classes (default 1000) are settings of the
/// space instance, not genes: <see cref="CountParameters"/> and <see cref="CountFlops"/> ignore their
/// <see cref="Dataset"/> argument (the NAS-Bench-201 datasets fix neither here) and use the space's setting, which every
/// genome it makes carries. The registry's "HybridEdge" is the 224/1000 default; <see cref="With"/> makes others.</para>
/// <para><b>Genes</b> (for <see cref="Search.Cyclic.IFactoredSearchSpace"/>): topology = the block type of each of the four
/// stages (6 choices in stages 1–2, 8 in stages 3–4); size = stem width, head width, and per stage depth, width,
/// expansion, heads, MLP ratio (heads and MLP ratio only used by attention stages). Genes are indices into the table.</para>
/// <para>Sampling is uniform over distinct architectures (a stage's block type is drawn in proportion to the number of
/// size settings it has); mutation changes one used gene to another value; crossover takes each gene from either
/// parent. The space is finite (<see cref="ArchitectureCount"/>) but too large to enumerate: <see cref="Count"/> is null.</para>
/// </summary>
public sealed class HybridEdgeSpace : ISearchSpace
{
    public const string SpaceName = "HybridEdge";
    public const int DefaultResolution = 224;
    public const int DefaultClasses = 1000;
    public const int MinResolution = 32;
    public const int StageGenes = 5;

    public static HybridEdgeSpace Instance { get; } = new(DefaultResolution, DefaultClasses);

    private HybridEdgeSpace(int resolution, int classes)
    {
        CheckSetting(resolution, classes);
        (Resolution, Classes) = (resolution, classes);
    }

    /// <summary>The space at another input resolution and class count.</summary>
    public static HybridEdgeSpace With(int resolution = DefaultResolution, int classes = DefaultClasses) =>
        resolution == DefaultResolution && classes == DefaultClasses ? Instance : new(resolution, classes);

    public int Resolution { get; }
    public int Classes { get; }
    public string? Settings => FormattableString.Invariant($"resolution {Resolution}, classes {Classes}");

    public string Name => SpaceName;
    public string Description =>
        $"HybridEdge (project-defined): conv stem, 4 stages of MBConv (k 3/5/7, ±SE) or transformer blocks (±local dw-conv), head; {Resolution}×{Resolution} input, {Classes} classes.";
    public long? Count => null;
    public bool HasOfficialIndex => false;

    /// <summary>Number of distinct architectures.</summary>
    public static long ArchitectureCount { get; } =
        HybridEdgeTable.StemWidths.Length * HybridEdgeTable.HeadWidths.Length
        * Enumerable.Range(0, HybridEdgeTable.Stages.Count).Aggregate(1L, (p, i) => p * StageConfigurations(i).Sum(b => b.Count));

    internal static void CheckSetting(int resolution, int classes)
    {
        if (resolution < MinResolution) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, $"The HybridEdge input resolution is at least {MinResolution} pixels.");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "The number of classes is at least 1.");
    }

    /// <summary>What is wrong with <paramref name="stage"/> as stage <paramref name="index"/> (0-based), or null.</summary>
    internal static string? StageProblem(int index, HybridStage stage)
    {
        var range = HybridEdgeTable.Stages[index];
        if (!range.Blocks.Contains(stage.Block)) return $"block '{HybridEdgeTable.Token(stage.Block)}' is not allowed (allowed: {string.Join(", ", range.Blocks.Select(HybridEdgeTable.Token))}).";
        if (!range.Depths.Contains(stage.Depth)) return $"depth {stage.Depth} is not one of {string.Join(", ", range.Depths)}.";
        if (!range.Widths.Contains(stage.Width)) return $"width {stage.Width} is not one of {string.Join(", ", range.Widths)}.";
        if (!HybridEdgeTable.Expansions.Contains(stage.Expansion)) return $"expansion {stage.Expansion} is not one of {string.Join(", ", HybridEdgeTable.Expansions)}.";
        if (stage.Block.IsAttention())
        {
            if (!HybridEdgeTable.Heads.Contains(stage.Heads)) return $"heads {stage.Heads} is not one of {string.Join(", ", HybridEdgeTable.Heads)}.";
            if (!HybridEdgeTable.MlpRatios.Contains(stage.MlpRatio)) return $"MLP ratio {stage.MlpRatio} is not one of {string.Join(", ", HybridEdgeTable.MlpRatios)}.";
        }
        return null;
    }

    private static IEnumerable<(HybridBlock Block, long Count)> StageConfigurations(int index)
    {
        var r = HybridEdgeTable.Stages[index];
        long conv = (long)r.Depths.Length * r.Widths.Length * HybridEdgeTable.Expansions.Length;
        return r.Blocks.Select(b => (b, b.IsAttention() ? conv * HybridEdgeTable.Heads.Length * HybridEdgeTable.MlpRatios.Length : conv));
    }

    // ---- parsing ------------------------------------------------------------------------------------

    /// <summary>Parses the canonical string strictly (see <see cref="HybridEdgeGenome"/>); the error names the bad token.</summary>
    public HybridEdgeGenome Parse(string text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
            throw Fail(text ?? "", "the string is empty; expected e.g. stem16|mb3:d2:w24:e4|mb5:d2:w48:e4|attn:d2:w96:e4:h2:m2|attn:d2:w160:e4:h4:m2|head768.");
        string s = text.Trim();
        string[] tokens = s.Split('|');
        int expected = HybridEdgeTable.Stages.Count + 2;
        if (tokens.Length != expected)
            throw Fail(s, $"it has {tokens.Length} '|'-separated token(s); a HybridEdge architecture has {expected}: stem, {HybridEdgeTable.Stages.Count} stages, head.");
        int stem = Prefixed(s, tokens[0], "stem", "token 1", HybridEdgeTable.StemWidths);
        int head = Prefixed(s, tokens[^1], "head", $"token {expected}", HybridEdgeTable.HeadWidths);
        var stages = new HybridStage[HybridEdgeTable.Stages.Count];
        for (int i = 0; i < stages.Length; i++) stages[i] = ParseStage(s, i, tokens[i + 1]);
        return new HybridEdgeGenome(stem, stages, head, Resolution, Classes);
    }
    Genome ISearchSpace.Parse(string text) => Parse(text);

    private static int Prefixed(string text, string token, string prefix, string where, int[] allowed)
    {
        if (!token.StartsWith(prefix, StringComparison.Ordinal))
            throw Fail(text, $"{where} '{token}' should be '{prefix}<width>' with width one of {string.Join(", ", allowed)}.");
        int value = Number(text, token, token[prefix.Length..], where);
        if (!allowed.Contains(value)) throw Fail(text, $"{where} '{token}': {prefix} width {value} is not one of {string.Join(", ", allowed)}.");
        return value;
    }

    private static int Number(string text, string token, string digits, string where)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            throw Fail(text, $"{where} '{token}': '{digits}' is not a whole number.");
        return value;
    }

    private static HybridStage ParseStage(string text, int index, string token)
    {
        string where = $"stage {index + 1} ('{token}')";
        string[] fields = token.Split(':');
        var block = HybridEdgeTable.AllBlocks.Cast<HybridBlock?>().FirstOrDefault(b => HybridEdgeTable.Token(b!.Value) == fields[0])
            ?? throw Fail(text, $"{where}: unknown block '{fields[0]}' (blocks: {string.Join(", ", HybridEdgeTable.AllBlocks.Select(HybridEdgeTable.Token))}).");
        string[] keys = block.IsAttention() ? ["d", "w", "e", "h", "m"] : ["d", "w", "e"];
        if (fields.Length != keys.Length + 1)
            throw Fail(text, $"{where}: a '{fields[0]}' stage has {keys.Length + 1} ':'-separated fields ({fields[0]}:{string.Join(":", keys.Select(k => k + "<n>"))}), not {fields.Length}.");
        var values = new int[keys.Length];
        for (int k = 0; k < keys.Length; k++)
        {
            string field = fields[k + 1];
            if (!field.StartsWith(keys[k], StringComparison.Ordinal))
                throw Fail(text, $"{where}: field {k + 2} '{field}' should start with '{keys[k]}' (order: {string.Join(", ", keys)}).");
            values[k] = Number(text, field, field[keys[k].Length..], where);
        }
        var stage = new HybridStage(block, values[0], values[1], values[2],
            block.IsAttention() ? values[3] : HybridEdgeTable.Heads[0], block.IsAttention() ? values[4] : HybridEdgeTable.MlpRatios[0]);
        string? problem = StageProblem(index, stage);
        if (problem is not null) throw Fail(text, $"{where}: {problem}");
        return stage;
    }

    // ---- genes ---------------------------------------------------------------------------------------

    /// <summary>Number of values of each topology gene: the block choices of each stage.</summary>
    public static IReadOnlyList<int> TopologyChoices { get; } = HybridEdgeTable.Stages.Select(s => s.Blocks.Count).ToArray();

    /// <summary>Number of values of each size gene: stem, head, then per stage depth, width, expansion, heads, MLP ratio.</summary>
    public static IReadOnlyList<int> SizeChoices { get; } =
    [
        HybridEdgeTable.StemWidths.Length, HybridEdgeTable.HeadWidths.Length,
        .. HybridEdgeTable.Stages.SelectMany(s => new[] { s.Depths.Length, s.Widths.Length, HybridEdgeTable.Expansions.Length, HybridEdgeTable.Heads.Length, HybridEdgeTable.MlpRatios.Length }),
    ];

    /// <summary>Whether a size gene changes the architecture under a topology: heads and MLP ratio only in attention stages.</summary>
    public static bool IsSizeGeneActive(IReadOnlyList<int> topology, int sizeGene)
    {
        if (sizeGene < 2) return true;
        int stage = (sizeGene - 2) / StageGenes, field = (sizeGene - 2) % StageGenes;
        return field < 3 || HybridEdgeTable.Stages[stage].Blocks[topology[stage]].IsAttention();
    }

    public static (int[] Topology, int[] Size) Genes(HybridEdgeGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        var topology = new int[TopologyChoices.Count];
        var size = new int[SizeChoices.Count];
        size[0] = Array.IndexOf(HybridEdgeTable.StemWidths, genome.StemWidth);
        size[1] = Array.IndexOf(HybridEdgeTable.HeadWidths, genome.HeadWidth);
        for (int i = 0; i < topology.Length; i++)
        {
            var range = HybridEdgeTable.Stages[i];
            var s = genome.Stages[i];
            topology[i] = IndexIn(range.Blocks, s.Block);
            int o = 2 + StageGenes * i;
            size[o] = Array.IndexOf(range.Depths, s.Depth);
            size[o + 1] = Array.IndexOf(range.Widths, s.Width);
            size[o + 2] = Array.IndexOf(HybridEdgeTable.Expansions, s.Expansion);
            size[o + 3] = Array.IndexOf(HybridEdgeTable.Heads, s.Heads);
            size[o + 4] = Array.IndexOf(HybridEdgeTable.MlpRatios, s.MlpRatio);
        }
        return (topology, size);
    }

    /// <summary>The genome with these genes, in this space's setting.</summary>
    public HybridEdgeGenome FromGenes(IReadOnlyList<int> topology, IReadOnlyList<int> size)
    {
        CheckGenes(topology, TopologyChoices, nameof(topology));
        CheckGenes(size, SizeChoices, nameof(size));
        var stages = new HybridStage[TopologyChoices.Count];
        for (int i = 0; i < stages.Length; i++)
        {
            var range = HybridEdgeTable.Stages[i];
            int o = 2 + StageGenes * i;
            stages[i] = new HybridStage(range.Blocks[topology[i]], range.Depths[size[o]], range.Widths[size[o + 1]],
                HybridEdgeTable.Expansions[size[o + 2]], HybridEdgeTable.Heads[size[o + 3]], HybridEdgeTable.MlpRatios[size[o + 4]]);
        }
        return new HybridEdgeGenome(HybridEdgeTable.StemWidths[size[0]], stages, HybridEdgeTable.HeadWidths[size[1]], Resolution, Classes);
    }

    private static int IndexIn(IReadOnlyList<HybridBlock> blocks, HybridBlock block)
    {
        for (int i = 0; i < blocks.Count; i++)
            if (blocks[i] == block) return i;
        throw new ArgumentOutOfRangeException(nameof(block), block, "Block not allowed in this stage.");
    }

    private static void CheckGenes(IReadOnlyList<int> genes, IReadOnlyList<int> choices, string name)
    {
        ArgumentNullException.ThrowIfNull(genes, name);
        if (genes.Count != choices.Count) throw new ArgumentException($"Expected {choices.Count} genes, got {genes.Count}.", name);
        for (int i = 0; i < genes.Count; i++)
            if ((uint)genes[i] >= (uint)choices[i]) throw new ArgumentOutOfRangeException(name, genes[i], $"Gene {i} takes values 0..{choices[i] - 1}.");
    }

    // ---- search operators ---------------------------------------------------------------------------------

    /// <summary>Uniform over distinct architectures.</summary>
    public HybridEdgeGenome Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var topology = new int[TopologyChoices.Count];
        var size = new int[SizeChoices.Count];
        for (int i = 0; i < topology.Length; i++)
        {
            var configurations = StageConfigurations(i).ToArray();
            ulong pick = rng.NextUInt64((ulong)configurations.Sum(c => c.Count));
            int b = 0;
            while (pick >= (ulong)configurations[b].Count) pick -= (ulong)configurations[b++].Count;
            topology[i] = b;
        }
        for (int g = 0; g < size.Length; g++)
            size[g] = IsSizeGeneActive(topology, g) ? rng.NextInt(SizeChoices[g]) : 0;
        return FromGenes(topology, size);
    }
    Genome ISearchSpace.Sample(Rng rng) => Sample(rng);

    public IEnumerable<Genome> Enumerate() =>
        throw new NotSupportedException($"HybridEdge has {ArchitectureCount:N0} architectures; it is not enumerated.");

    /// <summary>One used gene (topology or size), chosen uniformly, set to another of its values, chosen uniformly.</summary>
    public HybridEdgeGenome Mutate(Genome genome, Rng rng)
    {
        var (topology, size) = Genes(Cast(genome, nameof(genome)));
        ArgumentNullException.ThrowIfNull(rng);
        var used = Enumerable.Range(0, topology.Length).Select(i => (Topology: true, Index: i))
            .Concat(Enumerable.Range(0, size.Length).Where(g => IsSizeGeneActive(topology, g)).Select(g => (Topology: false, Index: g)))
            .ToArray();
        var (isTopology, index) = used[rng.NextInt(used.Length)];
        int[] genes = isTopology ? topology : size;
        int choices = (isTopology ? TopologyChoices : SizeChoices)[index];
        int other = rng.NextInt(choices - 1);
        genes[index] = other >= genes[index] ? other + 1 : other;
        return FromGenes(topology, size);
    }
    Genome ISearchSpace.Mutate(Genome genome, Rng rng) => Mutate(genome, rng);

    /// <summary>Each gene (topology and size) from either parent with probability ½.</summary>
    public HybridEdgeGenome Crossover(Genome first, Genome second, Rng rng)
    {
        var (ta, sa) = Genes(Cast(first, nameof(first)));
        var (tb, sb) = Genes(Cast(second, nameof(second)));
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < ta.Length; i++) if (rng.NextInt(2) == 1) ta[i] = tb[i];
        for (int i = 0; i < sa.Length; i++) if (rng.NextInt(2) == 1) sa[i] = sb[i];
        return FromGenes(ta, sa);
    }
    Genome ISearchSpace.Crossover(Genome first, Genome second, Rng rng) => Crossover(first, second, rng);

    public int? IndexOf(Genome genome)
    {
        Cast(genome, nameof(genome));
        return null;
    }

    public Genome FromIndex(long index) =>
        throw new NotSupportedException("HybridEdge has no index; give an architecture string or sample one.");

    /// <summary>Parameters of the network in this genome's setting (resolution and classes); <paramref name="dataset"/> is ignored.</summary>
    public long CountParameters(Genome genome, Dataset dataset) => HybridEdgeCost.Of(Setting(genome)).Parameters;

    /// <summary>MACs of one forward pass on one image at the space's resolution (rule: <see cref="HybridEdgeCost"/>);
    /// <paramref name="dataset"/> is ignored.</summary>
    public long CountFlops(Genome genome, Dataset dataset) => HybridEdgeCost.Of(Setting(genome)).Macs;

    /// <summary>The genome in this space's setting (a genome parsed elsewhere may carry another).</summary>
    private HybridEdgeGenome Setting(Genome genome)
    {
        var g = Cast(genome, nameof(genome));
        return g.Resolution == Resolution && g.Classes == Classes ? g : g.WithSetting(Resolution, Classes);
    }

    private static HybridEdgeGenome Cast(Genome genome, string parameter)
    {
        ArgumentNullException.ThrowIfNull(genome, parameter);
        return genome as HybridEdgeGenome
            ?? throw new ArgumentException($"Expected a {SpaceName} genome, got a {genome.SpaceName} genome ('{genome.Canonical}').", parameter);
    }

    private static ArchitectureFormatException Fail(string text, string problem) => new(SpaceName, text, problem);
}
