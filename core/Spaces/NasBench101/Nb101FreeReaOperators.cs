using NasPS.Randomness;

namespace NasPS.Spaces.NasBench101;

/// <summary>
/// FreeREA's NAS-Bench-101 mutation and crossover (NiccoloCavagnero/FreeREA <c>nas_spaces/nasbench101.py</c>, spec §4.1),
/// ported rule for rule onto its genotype form: a list of genes, gene 0 the input, every later gene an operation
/// and its (earlier) input vertices, the last gene the output. The port keeps the released quirks that shape the
/// search (a node is inserted without renumbering later genes' inputs, so they may re-wire; removing a node clips
/// inputs to the new bound); numpy's draws become <see cref="Rng"/> draws of the same distributions.
/// </summary>
internal static class Nb101FreeReaOperators
{
    private sealed record Gene(string Op, List<int> Inputs);

    private static List<Gene> GenesOf(Nb101Genome cell)
    {
        var genes = new List<Gene> { new(Nb101OpNames.Input, []) };
        for (int v = 1; v < cell.VertexCount; v++)
        {
            string op = v == cell.Output ? Nb101OpNames.Output : cell.OpAt(v).Name();
            genes.Add(new Gene(op, [.. Enumerable.Range(0, v).Where(u => cell.HasEdge(u, v))]));
        }
        return genes;
    }

    /// <summary>The cell the genes describe after the benchmark's pruning, or null when it is not a valid cell.</summary>
    private static Nb101Genome? CellOf(List<Gene> genes)
    {
        int n = genes.Count;
        var matrix = new bool[n, n];
        for (int v = 1; v < n; v++)
            foreach (int u in genes[v].Inputs) matrix[u, v] = true;
        return Nb101Genome.TryCreate(matrix, [.. genes.Select(g => g.Op)], out _);
    }

    private static int EdgeCount(List<Gene> genes) => genes.Sum(g => g.Inputs.Count);
    private static bool Coin(Rng rng) => rng.NextInt(2) == 1;
    private static int RandInt(Rng rng, int low, int high) => low + rng.NextInt(high - low); // numpy randint: [low, high)

    /// <summary>One FreeREA mutation step; null when the released code would produce an invalid cell.</summary>
    public static Nb101Genome? MutateOnce(Nb101Genome parent, Rng rng)
    {
        var genes = GenesOf(parent);
        int edges = EdgeCount(genes), nodes = genes.Count;
        if (edges < Nb101Genome.MaxEdges && nodes < Nb101Genome.MaxVertices)
        {
            if (Coin(rng))
            {
                if (Coin(rng)) AddNode(genes, rng);
                else AddEdge(genes, rng);
            }
            else ModifyGene(genes, nodes, edges, rng);
        }
        else if (nodes < Nb101Genome.MaxVertices)
        {
            if (Coin(rng)) AddNode(genes, rng);
            else ModifyGene(genes, nodes, edges, rng);
        }
        else if (edges < Nb101Genome.MaxEdges)
        {
            if (edges >= genes.Count)
            {
                if (Coin(rng)) AddEdge(genes, rng);
                else ModifyGene(genes, nodes, edges, rng);
            }
            else AddEdge(genes, rng);
        }
        else ModifyGene(genes, nodes, edges, rng);
        return CellOf(genes);
    }

    /// <summary>FreeREA's crossover: gene by gene from either parent (up to the shorter one), the output gene
    /// restored when a non-output gene landed last, then random edges removed until at most 9 remain.</summary>
    public static Nb101Genome? Crossover(Nb101Genome first, Nb101Genome second, Rng rng)
    {
        var a = GenesOf(first);
        var b = GenesOf(second);
        var child = new List<Gene> { a[0] };
        int shared = Math.Min(a.Count, b.Count) - 1;
        for (int k = 1; k <= shared; k++) child.Add(Copy(Coin(rng) ? b[k] : a[k]));
        if (child[^1].Op != Nb101OpNames.Output)
        {
            if (a.Count > b.Count) child[^1] = Copy(b[^1]);
            else if (b.Count > a.Count) child[^1] = Copy(a[^1]);
        }
        while (EdgeCount(child) > Nb101Genome.MaxEdges)
            if (!RemoveEdge(child, rng)) break;
        return CellOf(child);
    }

    private static Gene Copy(Gene gene) => new(gene.Op, [.. gene.Inputs]);

    private static void ModifyGene(List<Gene> genes, int nodes, int edges, Rng rng)
    {
        if (Coin(rng))
        {
            if (nodes <= 3 || Coin(rng)) ModifyNode(genes, rng);
            else RemoveNode(genes, rng);
        }
        else
        {
            if (edges <= nodes - 1 || Coin(rng)) ModifyEdge(genes, rng);
            else RemoveEdge(genes, rng);
        }
    }

    private static void ModifyNode(List<Gene> genes, Rng rng)
    {
        if (genes.Count - 1 <= 1) return;
        int index = RandInt(rng, 1, genes.Count - 1);
        // the released code picks among the other two operations; for the output gene (never chosen here) it would fail
        string[] others = [.. Nb101OpNames.Names.Where(op => op != genes[index].Op)];
        genes[index] = genes[index] with { Op = others[rng.NextInt(others.Length)] };
    }

    private static void ModifyEdge(List<Gene> genes, Rng rng)
    {
        RemoveEdge(genes, rng);
        AddEdge(genes, rng);
    }

    private static void RemoveNode(List<Gene> genes, Rng rng)
    {
        genes.RemoveAt(RandInt(rng, 1, genes.Count - 1));
        for (int position = 1; position < genes.Count; position++)
        {
            int bound = position - 1; // inputs pointing past the removed gene are clipped to the gene before
            genes[position] = genes[position] with { Inputs = [.. genes[position].Inputs.Select(e => Math.Clamp(e, 0, bound)).Distinct().Order()] };
        }
    }

    /// <summary>Removes one input of a gene that has several; false when no gene has more than one.</summary>
    private static bool RemoveEdge(List<Gene> genes, Rng rng)
    {
        int[] candidates = [.. Enumerable.Range(1, genes.Count - 1).Where(v => genes[v].Inputs.Count > 1)];
        if (candidates.Length == 0) return false;
        var inputs = genes[candidates[rng.NextInt(candidates.Length)]].Inputs;
        inputs.RemoveAt(rng.NextInt(inputs.Count));
        return true;
    }

    private static void AddNode(List<Gene> genes, Rng rng)
    {
        int position = genes.Count - 1 > 1 ? RandInt(rng, 1, genes.Count - 1) : genes.Count - 2;
        if (position <= 1) return;
        int input = RandInt(rng, 0, position);
        string op = Nb101OpNames.Names[rng.NextInt(Nb101OpNames.Names.Count)];
        genes.Insert(position, new Gene(op, [input]));
    }

    private static void AddEdge(List<Gene> genes, Rng rng)
    {
        // genes from position 2 on that still lack some possible input
        int[] candidates = [.. Enumerable.Range(2, Math.Max(0, genes.Count - 2)).Where(v => genes[v].Inputs.Count < v)];
        if (candidates.Length == 0) return;
        int chosen = candidates[rng.NextInt(candidates.Length)];
        var inputs = genes[chosen].Inputs;
        int[] missing = [.. Enumerable.Range(0, chosen).Where(u => !inputs.Contains(u))];
        if (missing.Length == 0) return;
        inputs.Add(missing[rng.NextInt(missing.Length)]);
        inputs.Sort();
    }
}
