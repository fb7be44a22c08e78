using System.Globalization;
using NasPS.Randomness;

namespace NasPS.Spaces.NasBench101;

/// <summary>
/// NAS-Bench-101 (spec §2): cells of at most 7 vertices and 9 edges over conv3x3-bn-relu, conv1x1-bn-relu and
/// maxpool3x3, costed on FreeREA's PyTorch port of the benchmark network (<see cref="Nb101Network"/>). Architectures are
/// written in FreeREA's genotype form (<see cref="Nb101Genome"/>). Without the benchmark's tables NasPS has no official
/// index and cannot enumerate the 423,624 unique cells; <see cref="Nb101Genome.GraphHash"/> is the benchmark's key.
/// </summary>
public sealed class NasBench101Space : ISearchSpace
{
    public const string SpaceName = "NasBench101";

    /// <summary>Attempts of FreeREA's mutation before giving up on a parent (its rules can fail or reproduce the parent).</summary>
    private const int MutationAttempts = 1000;

    public static NasBench101Space Instance { get; } = new();

    private NasBench101Space() { }

    public string Name => SpaceName;
    public string Description => "NAS-Bench-101: cells of ≤ 7 vertices and ≤ 9 edges (conv3x3, conv1x1, maxpool3x3); no official index here.";
    public long? Count => null;
    public bool HasOfficialIndex => false;

    /// <summary>
    /// Parses FreeREA's genotype form <c>input;op:src,…;…;output:src,…</c>: vertex k (k ≥ 1) lists its sources, each
    /// lower than k. The cell is then pruned like the benchmark's ModelSpec and must keep ≤ 7 vertices and ≤ 9 edges.
    /// </summary>
    public Nb101Genome Parse(string text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
            throw Fail(text ?? "", "the architecture string is empty; expected input;op:0;…;output:sources, e.g. input;conv3x3-bn-relu:0;output:1.");
        string s = text.Trim();
        string[] tokens = s.Split(';');
        if (tokens[0] != Nb101OpNames.Input)
            throw Fail(s, $"it must start with '{Nb101OpNames.Input};', not '{tokens[0]}'.");
        if (tokens.Length < 2)
            throw Fail(s, "it has no output vertex; the last vertex must be 'output:sources'.");
        if (tokens.Length > Nb101Genome.MaxVertices)
            throw Fail(s, $"it has {tokens.Length} vertices; a cell has at most {Nb101Genome.MaxVertices}.");
        int n = tokens.Length;
        var matrix = new bool[n, n];
        var ops = new string[n];
        ops[0] = Nb101OpNames.Input;
        for (int v = 1; v < n; v++)
        {
            string token = tokens[v];
            int colon = token.IndexOf(':');
            if (colon < 0)
                throw Fail(s, $"vertex {v} ('{token}') has no ':sources' part; expected op:src,src.");
            string op = token[..colon];
            bool isLast = v == n - 1;
            if (isLast && op != Nb101OpNames.Output)
                throw Fail(s, $"the last vertex must be '{Nb101OpNames.Output}', not '{op}'.");
            if (!isLast && !Nb101OpNames.TryParse(op, out _))
                throw Fail(s, $"vertex {v} has unknown operation '{op}'; valid operations: {string.Join(", ", Nb101OpNames.Names)}.");
            ops[v] = op;
            string sources = token[(colon + 1)..];
            if (sources.Length == 0)
                throw Fail(s, $"vertex {v} ('{token}') lists no source vertex.");
            foreach (string source in sources.Split(','))
            {
                if (!int.TryParse(source, NumberStyles.None, CultureInfo.InvariantCulture, out int u))
                    throw Fail(s, $"source '{source}' of vertex {v} is not a vertex number.");
                if (u >= v)
                    throw Fail(s, $"vertex {v} lists source {u}; sources must be earlier vertices (0..{v - 1}).");
                if (matrix[u, v])
                    throw Fail(s, $"vertex {v} lists source {u} twice.");
                matrix[u, v] = true;
            }
        }
        var cell = Nb101Genome.TryCreate(matrix, ops, out string? problem);
        return cell ?? throw Fail(s, problem!);
    }
    Genome ISearchSpace.Parse(string text) => Parse(text);

    /// <summary>
    /// The benchmark's own random spec (nasbench's random_spec example): a 7-vertex upper-triangular matrix with each
    /// entry present with probability ½ and uniform interior operations, redrawn until it prunes to a valid cell.
    /// Uniform over such matrices, not over unique cells (which would need the benchmark's table).
    /// </summary>
    public Nb101Genome Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        const int n = Nb101Genome.MaxVertices;
        while (true)
        {
            var matrix = new bool[n, n];
            ulong bits = rng.NextUInt64();
            for (int i = 0, k = 0; i < n; i++)
                for (int j = i + 1; j < n; j++, k++)
                    matrix[i, j] = ((bits >> k) & 1) != 0;
            string[] ops = [Nb101OpNames.Input, .. Enumerable.Range(0, n - 2).Select(_ => Nb101OpNames.Names[rng.NextInt(Nb101OpNames.Names.Count)]), Nb101OpNames.Output];
            var cell = Nb101Genome.TryCreate(matrix, ops, out _);
            if (cell is not null) return cell;
        }
    }
    Genome ISearchSpace.Sample(Rng rng) => Sample(rng);

    public IEnumerable<Genome> Enumerate() =>
        throw new NotSupportedException("NasBench101 cannot be enumerated without the benchmark's table of unique cells.");

    /// <summary>
    /// FreeREA's mutation (spec §4.1), repeated from the parent until it yields a valid cell that is not isomorphic to
    /// the parent (the released code would crash on an invalid one). The bare input→output cell is the exception: no
    /// FreeREA rule can change it, so it grows one interior vertex (input → op → output, op uniform).
    /// </summary>
    public Nb101Genome Mutate(Genome genome, Rng rng)
    {
        var parent = Cast(genome, nameof(genome));
        ArgumentNullException.ThrowIfNull(rng);
        if (parent.VertexCount == 2)
            return Parse($"input;{Nb101OpNames.Names[rng.NextInt(Nb101OpNames.Names.Count)]}:0;output:1");
        for (int attempt = 0; attempt < MutationAttempts; attempt++)
        {
            var child = Nb101FreeReaOperators.MutateOnce(parent, rng);
            if (child is not null && !child.IsIsomorphicTo(parent)) return child;
        }
        throw new InvalidOperationException($"FreeREA's mutation found no valid neighbour of '{parent}' in {MutationAttempts} attempts.");
    }
    Genome ISearchSpace.Mutate(Genome genome, Rng rng) => Mutate(genome, rng);

    /// <summary>FreeREA's crossover (spec §4.1); it always yields a valid cell.</summary>
    public Nb101Genome Crossover(Genome first, Genome second, Rng rng)
    {
        var a = Cast(first, nameof(first));
        var b = Cast(second, nameof(second));
        ArgumentNullException.ThrowIfNull(rng);
        return Nb101FreeReaOperators.Crossover(a, b, rng)
            ?? throw new InvalidOperationException($"FreeREA's crossover of '{a}' and '{b}' gave an invalid cell.");
    }
    Genome ISearchSpace.Crossover(Genome first, Genome second, Rng rng) => Crossover(first, second, rng);

    public int? IndexOf(Genome genome)
    {
        Cast(genome, nameof(genome));
        return null;
    }

    public Genome FromIndex(long index) =>
        throw new NotSupportedException("NasBench101 has no index in NasPS (the benchmark's table is not included).");

    public long CountParameters(Genome genome, Dataset dataset) =>
        Nb101Network.CountParameters(Cast(genome, nameof(genome)), dataset.Classes());

    public long CountFlops(Genome genome, Dataset dataset) =>
        Nb101Network.CountFlops(Cast(genome, nameof(genome)), dataset.Resolution(), dataset.Classes());

    private static Nb101Genome Cast(Genome genome, string parameter)
    {
        ArgumentNullException.ThrowIfNull(genome, parameter);
        return genome as Nb101Genome
            ?? throw new ArgumentException($"Expected a {SpaceName} genome, got a {genome.SpaceName} genome ('{genome.Canonical}').", parameter);
    }

    private static ArchitectureFormatException Fail(string text, string problem) => new(SpaceName, text, problem);
}
