namespace NasPS.Spaces.NasBench201;

/// <summary>
/// Strict reader of NAS-Bench-201 architecture strings <c>|op~0|+|op~0|op~1|+|op~0|op~1|op~2|</c> (spec §1.3) and of
/// NASLib's 6-digit encoding. Every rejection names the problem and where it is: which node, which edge, which token.
/// </summary>
internal static class Nb201Parser
{
    private const string Space = NasBench201Space.SpaceName;
    private const int NodeCount = 3;

    public static Nb201Genome Parse(string? text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
            throw Fail(text ?? "", "the architecture string is empty; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| or a 6-digit NASLib code.");
        string s = text.Trim(); // surrounding blanks are harmless (pasted text); anything inside is checked strictly

        if (s.All(char.IsAsciiDigit)) return Nb201Genome.FromNaslib(s);

        if (s[0] != '|') throw Fail(s, "it must start with '|' (expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|).");
        if (s[^1] != '|') throw Fail(s, "it must end with '|' (expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|).");

        string[] groups = s.Split('+');
        for (int g = 0; g < groups.Length; g++)
        {
            if (groups[g].Length == 0)
                throw Fail(s, $"node group {g + 1} is empty ('+' must separate groups written |…|+|…|).");
            if (groups[g][0] != '|' || groups[g][^1] != '|')
                throw Fail(s, $"a '+' is misplaced near node group {g + 1}: groups are separated by '|+|'.");
        }
        if (groups.Length < NodeCount)
            throw Fail(s, $"it has {groups.Length} node group(s) separated by '+'; a cell needs {NodeCount} (nodes 1, 2, 3), node {groups.Length + 1} is missing.");
        if (groups.Length > NodeCount)
            throw Fail(s, $"it has {groups.Length} node groups separated by '+'; a cell has only {NodeCount} (nodes 1, 2, 3), group {NodeCount + 1} is extra.");

        Span<Nb201Op> ops = stackalloc Nb201Op[Nb201Genome.EdgeCount];
        int edge = 0;
        for (int node = 1; node <= NodeCount; node++)
        {
            string group = groups[node - 1];
            if (group.Length < 2)
                throw Fail(s, $"node {node}'s group '{group}' holds no edge.");
            string[] tokens = group[1..^1].Split('|');
            if (tokens.Length != node)
                throw Fail(s, $"node {node} has {tokens.Length} incoming edge(s) but needs exactly {node} (from {SourcesOf(node)}): {(tokens.Length < node ? "an edge is missing" : "there is an extra edge")}.");
            for (int source = 0; source < node; source++)
                ops[edge++] = ParseEdge(s, node, source, tokens[source]);
        }
        return new Nb201Genome(ops);
    }

    private static Nb201Op ParseEdge(string s, int node, int source, string token)
    {
        if (token.Length == 0)
            throw Fail(s, $"node {node} has an empty edge ('||'); expected op~{source}.");
        int tilde = token.IndexOf('~');
        if (tilde < 0)
            throw Fail(s, $"edge '{token}' of node {node} has no '~source' suffix; expected '{token}~{source}'.");
        string name = token[..tilde], from = token[(tilde + 1)..];
        int op = IndexOfName(name);
        if (op < 0)
            throw Fail(s, $"unknown operation '{name}' on an edge of node {node}; valid operations: {string.Join(", ", Nb201OpNames.Names)}.");
        if (from.Length == 0)
            throw Fail(s, $"edge '{token}' of node {node} has no source node after '~'; expected '{name}~{source}'.");
        if (from != source.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw Fail(s, $"edge {source + 1} of node {node} must come from node {source} ('~{source}'), but '{token}' says '~{from}'.");
        return (Nb201Op)op;
    }

    private static int IndexOfName(string name)
    {
        for (int i = 0; i < Nb201OpNames.Names.Count; i++)
            if (string.Equals(Nb201OpNames.Names[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }

    private static string SourcesOf(int node) => node switch
    {
        1 => "node 0",
        2 => "nodes 0, 1",
        _ => "nodes 0, 1, 2",
    };

    private static ArchitectureFormatException Fail(string text, string problem) => new(Space, text, problem);
}
