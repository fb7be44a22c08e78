namespace NasPS.Spaces.NatsSize;

/// <summary>
/// A NATS-Bench size-space configuration: the channel counts C1:C2:C3:C4:C5 of the NATS-SSS skeleton,
/// each in {8, 16, …, 64}. Canonical string "C1:C2:C3:C4:C5", e.g. "64:64:64:64:64".
/// </summary>
public sealed class NatsSizeGenome : Genome
{
    public const int Slots = 5;
    public static readonly IReadOnlyList<int> Choices = [8, 16, 24, 32, 40, 48, 56, 64];

    private readonly int[] _channels;

    public NatsSizeGenome(ReadOnlySpan<int> channels)
    {
        if (channels.Length != Slots) throw new ArgumentException($"A NATS size configuration has {Slots} channel counts, not {channels.Length}.", nameof(channels));
        foreach (int c in channels)
            if (c < 8 || c > 64 || c % 8 != 0) throw new ArgumentOutOfRangeException(nameof(channels), c, "Channel counts are multiples of 8 from 8 to 64.");
        _channels = channels.ToArray();
    }

    public override string SpaceName => NatsSizeSpace.SpaceName;

    public IReadOnlyList<int> Channels => _channels;

    protected override string FormatCanonical() => string.Join(':', _channels);
}
