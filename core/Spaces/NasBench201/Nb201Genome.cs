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

    public override string SpaceName => NasBench201Space.SpaceName;

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

    /// <summary>
    /// True when every path from the cell input (node 0) to the output (node 3) crosses a <c>none</c> edge: the cell
    /// then outputs zeros whatever its input (spec §1.3; 341 of the 15,625 cells).
    /// </summary>
    public bool IsDisconnected
    {
        get
        {
            Span<bool> reached = stackalloc bool[4];
            reached[0] = true;
            for (int k = 0; k < EdgeCount; k++)
            {
                var (to, from) = Edges[k];
                if (reached[from] && _ops[k] != Nb201Op.None) reached[to] = true;
            }
            return !reached[3]; // edges are listed by target node, so every source is final before it is read
        }
    }

    /// <summary>
    /// FreeREA's skip metric (spec §3.4): the mean, over <c>skip_connect</c> edges j←i, of the number of intermediate
    /// nodes the skip jumps over (j − 1 − i); 0 when the cell has no skip edge. Range 0..2.
    /// </summary>
    public double SkipMetric
    {
        get
        {
            int skips = 0, jumped = 0;
            for (int k = 0; k < EdgeCount; k++)
            {
                if (_ops[k] != Nb201Op.SkipConnect) continue;
                skips++;
                jumped += Edges[k].To - 1 - Edges[k].From;
            }
            return skips == 0 ? 0.0 : (double)jumped / skips;
        }
    }

    /// <summary>NASLib's digit for each operation, indexed by <see cref="Nb201Op"/> (data README, "Index convention").</summary>
    private static readonly char[] NaslibDigitOfOp = ['1', '0', '3', '2', '4'];

    /// <summary>The string-order edge at each NASLib position: NASLib lists edges by source node
    /// (0→1, 0→2, 0→3, 1→2, 1→3, 2→3), the string by target node.</summary>
    private static readonly int[] EdgeOfNaslibPosition = [0, 1, 3, 2, 4, 5];

    /// <summary>NASLib's 6-digit encoding, e.g. "433000" (codes 0 = skip_connect, 1 = none, 2 = nor_conv_3x3,
    /// 3 = nor_conv_1x1, 4 = avg_pool_3x3; edges 0→1, 0→2, 0→3, 1→2, 1→3, 2→3).</summary>
    public string ToNaslib()
    {
        Span<char> digits = stackalloc char[EdgeCount];
        for (int p = 0; p < EdgeCount; p++) digits[p] = NaslibDigitOfOp[(int)_ops[EdgeOfNaslibPosition[p]]];
        return new string(digits);
    }

    /// <summary>Reads NASLib's 6-digit encoding (see <see cref="ToNaslib"/>).</summary>
    /// <exception cref="ArchitectureFormatException">Not six digits 0–4; the message says which position is wrong.</exception>
    public static Nb201Genome FromNaslib(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        const string codes = "0 = skip_connect, 1 = none, 2 = nor_conv_3x3, 3 = nor_conv_1x1, 4 = avg_pool_3x3";
        if (digits.Length != EdgeCount)
            throw new ArchitectureFormatException(NasBench201Space.SpaceName, digits, $"a NASLib encoding has {EdgeCount} digits, this one has {digits.Length}.");
        Span<Nb201Op> ops = stackalloc Nb201Op[EdgeCount];
        for (int p = 0; p < EdgeCount; p++)
        {
            int op = Array.IndexOf(NaslibDigitOfOp, digits[p]);
            if (op < 0)
                throw new ArchitectureFormatException(NasBench201Space.SpaceName, digits, $"NASLib digit {p + 1} is '{digits[p]}', which is no operation code ({codes}).");
            ops[EdgeOfNaslibPosition[p]] = (Nb201Op)op;
        }
        return new Nb201Genome(ops);
    }

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
