using System.Security.Cryptography;
using System.Text;

namespace NasPS.Spaces.NasBench101;

/// <summary>
/// A NAS-Bench-101 cell (spec §2.1), always stored pruned and valid: 2..7 vertices (input, interior operations,
/// output), at most 9 edges, strictly upper-triangular adjacency, every vertex on an input→output path.
/// Build one with <see cref="Create"/>, which prunes like the benchmark's ModelSpec.
/// <para>Canonical string: FreeREA's genotype form (spec §3.4), each vertex after the input listing its sources,
/// e.g. <c>input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2</c>. It keeps the vertex order, so isomorphic cells
/// written in different orders are different genomes; <see cref="GraphHash"/> is the benchmark's
/// isomorphism-invariant key.</para>
/// </summary>
public sealed class Nb101Genome : Genome
{
    public const int MaxVertices = 7;
    public const int MaxEdges = 9;

    private readonly bool[] _adjacency; // row-major VertexCount × VertexCount: [from * n + to]
    private readonly Nb101Op[] _ops;    // interior vertices 1..n−2
    private string? _graphHash;

    private Nb101Genome(int vertexCount, bool[] adjacency, Nb101Op[] ops)
    {
        VertexCount = vertexCount;
        _adjacency = adjacency;
        _ops = ops;
        EdgeCount = adjacency.Count(e => e);
    }

    public override string SpaceName => NasBench101Space.SpaceName;

    public int VertexCount { get; }
    public int EdgeCount { get; }

    /// <summary>Index of the output vertex.</summary>
    public int Output => VertexCount - 1;

    public bool HasEdge(int from, int to) => _adjacency[from * VertexCount + to];

    /// <summary>The operation of interior vertex <paramref name="vertex"/> (1..VertexCount − 2).</summary>
    public Nb101Op OpAt(int vertex)
    {
        if (vertex < 1 || vertex > VertexCount - 2)
            throw new ArgumentOutOfRangeException(nameof(vertex), vertex, $"Interior vertices run 1..{VertexCount - 2}.");
        return _ops[vertex - 1];
    }

    /// <summary>Interior operations in vertex order.</summary>
    public IReadOnlyList<Nb101Op> Ops => _ops;

    /// <summary>
    /// A cell from a (possibly unpruned) spec, as the benchmark's ModelSpec takes it: a square, strictly
    /// upper-triangular 0/1 matrix and one operation per vertex, "input" first and "output" last. Vertices not on an
    /// input→output path are dropped with their edges; then at most 7 vertices and 9 edges may remain.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is malformed, disconnected or too large; the message says why.</exception>
    public static Nb101Genome Create(bool[,] matrix, IReadOnlyList<string> ops)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(ops);
        var genome = TryCreate(matrix, ops, out string? problem);
        return genome ?? throw new ArgumentException($"Not a NAS-Bench-101 cell: {problem}", nameof(matrix));
    }

    /// <summary>As <see cref="Create"/>, returning null and the reason instead of throwing.</summary>
    public static Nb101Genome? TryCreate(bool[,] matrix, IReadOnlyList<string> ops, out string? problem)
    {
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) { problem = $"the adjacency matrix is {n}×{matrix.GetLength(1)}, not square."; return null; }
        if (n < 2) { problem = $"a cell needs at least an input and an output vertex, this matrix has {n}."; return null; }
        if (ops.Count != n) { problem = $"the matrix has {n} vertices but {ops.Count} operations are given."; return null; }
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                if (matrix[i, j]) { problem = $"the adjacency matrix must be strictly upper triangular, but it has an edge {i}→{j}."; return null; }
        if (ops[0] != Nb101OpNames.Input) { problem = $"the first operation must be '{Nb101OpNames.Input}', not '{ops[0]}'."; return null; }
        if (ops[n - 1] != Nb101OpNames.Output) { problem = $"the last operation must be '{Nb101OpNames.Output}', not '{ops[n - 1]}'."; return null; }
        // Pruning (nasbench model_spec._prune): keep the vertices reachable from the input and reaching the output.
        var fromInput = new bool[n];
        fromInput[0] = true;
        for (int v = 0; v < n; v++)
            if (fromInput[v])
                for (int w = v + 1; w < n; w++)
                    if (matrix[v, w]) fromInput[w] = true;
        var toOutput = new bool[n];
        toOutput[n - 1] = true;
        for (int v = n - 1; v >= 0; v--)
            if (toOutput[v])
                for (int u = 0; u < v; u++)
                    if (matrix[u, v]) toOutput[u] = true;
        if (!fromInput[n - 1]) { problem = "the output is not reachable from the input (the graph is disconnected)."; return null; }

        int[] kept = [.. Enumerable.Range(0, n).Where(v => fromInput[v] && toOutput[v])];
        int m = kept.Length;
        // Like the benchmark, only the operations of vertices that survive pruning are checked.
        var interior = new Nb101Op[m - 2];
        for (int k = 1; k < m - 1; k++)
        {
            if (!Nb101OpNames.TryParse(ops[kept[k]], out interior[k - 1]))
            {
                problem = $"vertex {kept[k]} has unknown operation '{ops[kept[k]]}'; valid operations: {string.Join(", ", Nb101OpNames.Names)}.";
                return null;
            }
        }
        if (m > MaxVertices) { problem = $"{m} vertices remain after pruning; at most {MaxVertices} are allowed."; return null; }
        var adjacency = new bool[m * m];
        for (int a = 0; a < m; a++)
            for (int b = a + 1; b < m; b++)
                adjacency[a * m + b] = matrix[kept[a], kept[b]];
        int edges = adjacency.Count(e => e);
        if (edges > MaxEdges) { problem = $"{edges} edges remain after pruning; at most {MaxEdges} are allowed."; return null; }
        problem = null;
        return new Nb101Genome(m, adjacency, interior);
    }

    /// <summary>
    /// NAS-Bench-101's isomorphism-invariant graph hash (google-research/nasbench <c>graph_util.hash_module</c>): each
    /// vertex starts from the MD5 of its (out-degree, in-degree, label) and is re-hashed VertexCount times from the
    /// sorted hashes of its in- and out-neighbours; the fingerprint is the MD5 of the sorted list. Labels: input −1,
    /// output −2, interior the <see cref="Nb101Op"/> value. Equal to the benchmark's key, so it can look cells up in
    /// its tables.
    /// </summary>
    public string GraphHash => _graphHash ??= ComputeGraphHash();

    /// <summary>Whether the two cells are the same graph up to vertex order: equal <see cref="GraphHash"/> (the
    /// benchmark's test), after cheap invariants (sizes, operation counts) that settle most pairs without hashing.</summary>
    public bool IsIsomorphicTo(Nb101Genome other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (VertexCount != other.VertexCount || EdgeCount != other.EdgeCount) return false;
        for (int op = 0; op < Nb101OpNames.Names.Count; op++)
            if (_ops.Count(o => (int)o == op) != other._ops.Count(o => (int)o == op)) return false;
        return GraphHash == other.GraphHash;
    }

    private string ComputeGraphHash()
    {
        int n = VertexCount;
        var hashes = new string[n];
        for (int v = 0; v < n; v++)
        {
            int outDegree = 0, inDegree = 0;
            for (int w = 0; w < n; w++)
            {
                if (HasEdge(v, w)) outDegree++;
                if (HasEdge(w, v)) inDegree++;
            }
            int label = v == 0 ? -1 : v == n - 1 ? -2 : (int)_ops[v - 1];
            hashes[v] = Md5Hex($"({outDegree}, {inDegree}, {label})"); // Python's str() of the tuple
        }
        for (int round = 0; round < n; round++)
        {
            var next = new string[n];
            for (int v = 0; v < n; v++)
            {
                var inbound = Enumerable.Range(0, n).Where(w => HasEdge(w, v)).Select(w => hashes[w]).Order(StringComparer.Ordinal);
                var outbound = Enumerable.Range(0, n).Where(w => HasEdge(v, w)).Select(w => hashes[w]).Order(StringComparer.Ordinal);
                next[v] = Md5Hex(string.Concat(inbound) + "|" + string.Concat(outbound) + "|" + hashes[v]);
            }
            hashes = next;
        }
        // Python's str() of a sorted list of strings: ['a', 'b']
        return Md5Hex("[" + string.Join(", ", hashes.Order(StringComparer.Ordinal).Select(h => $"'{h}'")) + "]");
    }

    /// <summary>
    /// FreeREA's skip metric for NAS-Bench-101 (spec §3.4): every edge u → v jumps over v − 1 − u vertices; the score is
    /// the mean of the non-zero jumps, 0 when there is none. This is the corrected form: the released code adds each
    /// edge's jump of a multi-input vertex to the running value of the previous edge, which NasPS does not reproduce
    /// (e.g. input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2 scores 1.0 here, 1.5 in the released code).
    /// </summary>
    public double SkipMetric
    {
        get
        {
            int jumps = 0, jumped = 0;
            for (int v = 1; v < VertexCount; v++)
            {
                for (int u = 0; u < v; u++)
                {
                    if (!HasEdge(u, v) || v - 1 - u == 0) continue;
                    jumps++;
                    jumped += v - 1 - u;
                }
            }
            return jumps == 0 ? 0.0 : (double)jumped / jumps;
        }
    }

    private static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    protected override string FormatCanonical()
    {
        var sb = new StringBuilder(Nb101OpNames.Input);
        for (int v = 1; v < VertexCount; v++)
        {
            sb.Append(';').Append(v == Output ? Nb101OpNames.Output : _ops[v - 1].Name()).Append(':');
            bool first = true;
            for (int u = 0; u < v; u++)
            {
                if (!HasEdge(u, v)) continue;
                if (!first) sb.Append(',');
                sb.Append(u);
                first = false;
            }
        }
        return sb.ToString();
    }
}
