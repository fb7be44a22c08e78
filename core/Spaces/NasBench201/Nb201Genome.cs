namespace NasPS.Spaces.NasBench201;

/// <summary>
/// A NAS-Bench-201 cell: six edge operations in string order 1←0, 2←0, 2←1, 3←0, 3←1, 3←2
/// (spec §1.3). The canonical string is |op~0|+|op~0|op~1|+|op~0|op~1|op~2|.
/// </summary>
public sealed class Nb201Genome : Genome
{
    public const int EdgeCount = 6;

    /// <summary>(target node, source node) of each edge, in string order.</summary>
    public static readonly IReadOnlyList<(int To, int From)> Edges = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)];

    private readonly Nb201Op[] _ops;

    public Nb201Genome(ReadOnlySpan<Nb201Op> ops)
    {
        if (ops.Length != EdgeCount) throw new ArgumentException($"A NAS-Bench-201 cell has {EdgeCount} edges, not {ops.Length}.", nameof(ops));
        foreach (var op in ops)
            if ((byte)op > (byte)Nb201Op.AvgPool3x3) throw new ArgumentOutOfRangeException(nameof(ops), op, "Unknown NAS-Bench-201 operation.");
        _ops = ops.ToArray();
    }

    public override string SpaceName => "NasBench201";

    /// <summary>The six operations in string order.</summary>
    public IReadOnlyList<Nb201Op> Ops => _ops;

    public Nb201Op this[int edge] => _ops[edge];

    /// <summary>Generation position Σ e_k·5^(6−k) (spec §1.4): 0..15624, edge 1←0 most significant.</summary>
    public int GenerationPosition
    {
        get
        {
            int g = 0;
            foreach (var op in _ops) g = g * 5 + (int)op;
            return g;
        }
    }

    public static Nb201Genome FromGenerationPosition(int position)
    {
        if ((uint)position >= 15625) throw new ArgumentOutOfRangeException(nameof(position), position, "Generation positions run 0..15624.");
        Span<Nb201Op> ops = stackalloc Nb201Op[EdgeCount];
        for (int k = EdgeCount - 1; k >= 0; k--)
        {
            ops[k] = (Nb201Op)(position % 5);
            position /= 5;
        }
        return new Nb201Genome(ops);
    }

    /// <summary>A copy with edge <paramref name="edge"/> replaced.</summary>
    public Nb201Genome With(int edge, Nb201Op op)
    {
        Span<Nb201Op> ops = stackalloc Nb201Op[EdgeCount];
        _ops.CopyTo(ops);
        ops[edge] = op;
        return new Nb201Genome(ops);
    }

    public int Count(Nb201Op op) => _ops.Count(o => o == op);

    protected override string FormatCanonical()
    {
        var sb = new System.Text.StringBuilder("|", 96);
        for (int k = 0; k < EdgeCount; k++)
        {
            if (k == 1 || k == 3) sb.Append("+|");
            sb.Append(_ops[k].Name()).Append('~').Append(Edges[k].From).Append('|');
        }
        return sb.ToString();
    }
}
