using System.Globalization;
using NasPS.Randomness;
using NasPS.Spaces.NasBench201;

namespace NasPS.Spaces.NatsSize;

/// <summary>
/// NATS-Bench size search space (NATS-SSS): 8⁵ = 32,768 channel configurations "C1:C2:C3:C4:C5", each in {8, 16, …, 64},
/// of one fixed network. Sources: D-X-Y/AutoDL-Projects (commit f46486e2) <c>exps/NATS-Bench/main-sss.py</c>,
/// <c>exps/NATS-Bench/sss-collect.py</c>, <c>xautodl/models/shape_infers/InferTinyCellNet.py</c> (DynamicShapeTinyNet),
/// <c>xautodl/models/cell_infers/cells.py</c>, <c>xautodl/models/cell_operations.py</c>.
/// <para><b>Skeleton</b> (<see cref="TinyNetworkLayout.FromChannels"/> with the five channels, N = 1 cell per stage):</para>
/// <list type="number">
/// <item>stem: Conv2d(3 → C1, 3×3, pad 1, no bias) → BN(C1);</item>
/// <item>cell(C1 → C1), stride 1;</item>
/// <item>ResNetBasicblock(C1 → C2, stride 2);</item>
/// <item>cell(C2 → C3), stride 1;</item>
/// <item>ResNetBasicblock(C3 → C4, stride 2);</item>
/// <item>cell(C4 → C5), stride 1;</item>
/// <item>BN(C5) → ReLU → global average pool → Linear(C5 → classes).</item>
/// </list>
/// Slot 1 is both the stem width and the first cell's width; slots 2 and 4 are the reduction blocks' outputs; slots 3
/// and 5 the outputs of the second and third cells, whose edges leaving the cell input change the width
/// (<see cref="TinyNetworkLayout"/> says how). Every cell is <see cref="FixedCell"/>, NAS-Bench-201 index 9930:
/// <c>|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|</c>
/// (main-sss.py's fixed genotype). Its skip edge 3←0 is a Conv 1×1 → BN projection (no ReLU) when C_in ≠ C_out.
/// <para><b>Index</b>: main-sss.py's <c>traverse_net</c> builds the list slot by slot, C1 outermost, each slot over
/// 8, 16, …, 64, and sss-collect.py stores that list unshuffled as the benchmark's <c>meta_archs</c>; so index =
/// Σ (C_i / 8 − 1)·8^(5−i): "8:8:8:8:8" is 0, "8:8:8:8:16" is 1, "64:64:64:64:64" is 32767. Confirmed from that code.</para>
/// <para><b>Cross-check</b>: the parameter counts of "8:8:8:8:8", "8:8:16:40:40" and "64:64:64:64:64" on CIFAR-10
/// (11,714, 107,826, 713,674) equal the benchmark-stored values quoted by an independent public replica of this network,
/// and parameters and FLOPs equal those measured on the official DynamicShapeTinyNet modules (tests/reference). No
/// published FLOPs figure was found; the FLOPs follow the counting rule that reproduces every NAS-Bench-201 value.</para>
/// </summary>
public sealed class NatsSizeSpace : ISearchSpace
{
    public const string SpaceName = "NatsSize";
    public const int Size = 32768;

    /// <summary>The cell every NATS-SSS network uses (NAS-Bench-201 index 9930).</summary>
    public static Nb201Genome FixedCell { get; } =
        NasBench201Space.Instance.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");

    public static NatsSizeSpace Instance { get; } = new();

    private NatsSizeSpace() { }

    public string Name => SpaceName;
    public string Description => "NATS-Bench size space (NATS-SSS): 32,768 channel configurations C1:C2:C3:C4:C5 in {8..64}, official index.";
    public long? Count => Size;
    public bool HasOfficialIndex => true;

    /// <summary>The network skeleton of a configuration (see the class summary).</summary>
    public static TinyNetworkLayout Layout(NatsSizeGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        return TinyNetworkLayout.FromChannels(genome.Channels);
    }

    /// <summary>Parses "C1:C2:C3:C4:C5" strictly: five colon-separated multiples of 8 from 8 to 64, nothing else.</summary>
    public NatsSizeGenome Parse(string text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
            throw Fail(text ?? "", "the configuration is empty; expected five channel counts C1:C2:C3:C4:C5, e.g. 64:64:64:64:64.");
        string s = text.Trim(); // surrounding blanks are harmless (pasted text); anything inside is checked strictly
        string[] parts = s.Split(':');
        if (parts.Length != NatsSizeGenome.Slots)
            throw Fail(s, $"it has {parts.Length} colon-separated value(s); a configuration has exactly {NatsSizeGenome.Slots} (C1:C2:C3:C4:C5).");
        Span<int> channels = stackalloc int[NatsSizeGenome.Slots];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            if (part.Length == 0) throw Fail(s, $"slot {i + 1} is empty.");
            if (!part.All(char.IsAsciiDigit) || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int c))
                throw Fail(s, $"slot {i + 1} ('{part}') is not a whole number.");
            if (!NatsSizeGenome.Choices.Contains(c))
                throw Fail(s, $"slot {i + 1} is {c}; channel counts must be one of {string.Join(", ", NatsSizeGenome.Choices)}.");
            channels[i] = c;
        }
        return new NatsSizeGenome(channels);
    }
    Genome ISearchSpace.Parse(string text) => Parse(text);

    /// <summary>Uniform over the 32,768 configurations.</summary>
    public NatsSizeGenome Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return FromIndex(rng.NextInt(Size));
    }
    Genome ISearchSpace.Sample(Rng rng) => Sample(rng);

    /// <summary>All configurations, lazily, by official index 0..32767.</summary>
    public IEnumerable<Genome> Enumerate()
    {
        for (int index = 0; index < Size; index++) yield return FromIndex(index);
    }

    /// <summary>One slot, chosen uniformly, set to one of the other seven channel counts, chosen uniformly.</summary>
    public NatsSizeGenome Mutate(Genome genome, Rng rng)
    {
        var parent = Cast(genome, nameof(genome));
        ArgumentNullException.ThrowIfNull(rng);
        Span<int> channels = stackalloc int[NatsSizeGenome.Slots];
        for (int i = 0; i < channels.Length; i++) channels[i] = parent.Channels[i];
        int slot = rng.NextInt(NatsSizeGenome.Slots);
        int current = ChoiceOf(channels[slot]);
        int other = rng.NextInt(NatsSizeGenome.Choices.Count - 1);
        if (other >= current) other++; // skip the current value
        channels[slot] = NatsSizeGenome.Choices[other];
        return new NatsSizeGenome(channels);
    }
    Genome ISearchSpace.Mutate(Genome genome, Rng rng) => Mutate(genome, rng);

    /// <summary>Each slot from either parent with probability ½.</summary>
    public NatsSizeGenome Crossover(Genome first, Genome second, Rng rng)
    {
        var a = Cast(first, nameof(first));
        var b = Cast(second, nameof(second));
        ArgumentNullException.ThrowIfNull(rng);
        ulong coins = rng.NextUInt64();
        Span<int> channels = stackalloc int[NatsSizeGenome.Slots];
        for (int i = 0; i < channels.Length; i++) channels[i] = ((coins >> i) & 1) == 0 ? a.Channels[i] : b.Channels[i];
        return new NatsSizeGenome(channels);
    }
    Genome ISearchSpace.Crossover(Genome first, Genome second, Rng rng) => Crossover(first, second, rng);

    public int? IndexOf(Genome genome)
    {
        var g = Cast(genome, nameof(genome));
        int index = 0;
        foreach (int c in g.Channels) index = index * NatsSizeGenome.Choices.Count + ChoiceOf(c);
        return index;
    }

    public NatsSizeGenome FromIndex(long index)
    {
        if (index < 0 || index >= Size)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"NATS size-space indices run 0..{Size - 1}.");
        Span<int> channels = stackalloc int[NatsSizeGenome.Slots];
        int rest = (int)index;
        for (int i = NatsSizeGenome.Slots - 1; i >= 0; i--)
        {
            channels[i] = NatsSizeGenome.Choices[rest % NatsSizeGenome.Choices.Count];
            rest /= NatsSizeGenome.Choices.Count;
        }
        return new NatsSizeGenome(channels);
    }
    Genome ISearchSpace.FromIndex(long index) => FromIndex(index);

    public long CountParameters(Genome genome, Dataset dataset) =>
        Layout(Cast(genome, nameof(genome))).CountParameters(FixedCell, dataset);

    public long CountFlops(Genome genome, Dataset dataset) =>
        Layout(Cast(genome, nameof(genome))).CountFlops(FixedCell, dataset);

    private static int ChoiceOf(int channels)
    {
        for (int i = 0; i < NatsSizeGenome.Choices.Count; i++)
            if (NatsSizeGenome.Choices[i] == channels) return i;
        throw new ArgumentOutOfRangeException(nameof(channels), channels, "Not a NATS size-space channel count.");
    }

    private static NatsSizeGenome Cast(Genome genome, string parameter)
    {
        ArgumentNullException.ThrowIfNull(genome, parameter);
        return genome as NatsSizeGenome
            ?? throw new ArgumentException($"Expected a {SpaceName} genome, got a {genome.SpaceName} genome ('{genome.Canonical}').", parameter);
    }

    private static ArchitectureFormatException Fail(string text, string problem) => new(SpaceName, text, problem);
}
