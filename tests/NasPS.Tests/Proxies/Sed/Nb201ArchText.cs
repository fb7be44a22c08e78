using NasPS.Spaces.NasBench201;

namespace NasPS.Tests.Proxies.Sed;

/// <summary>A strict local reader of NB201 architecture strings for these tests, until the space's own parser
/// (NasBench201Space.Parse, branch spaces) is merged.</summary>
public static class Nb201ArchText
{
    public static Nb201Genome Parse(string text)
    {
        var groups = text.Split('+');
        if (groups.Length != 3) throw new FormatException($"'{text}': expected 3 node groups separated by '+'.");
        var ops = new List<Nb201Op>();
        for (int node = 1; node <= 3; node++)
        {
            string group = groups[node - 1];
            if (group.Length < 2 || group[0] != '|' || group[^1] != '|') throw new FormatException($"'{text}': group {node} is not enclosed in '|'.");
            var tokens = group[1..^1].Split('|');
            if (tokens.Length != node) throw new FormatException($"'{text}': node {node} needs {node} inputs, found {tokens.Length}.");
            for (int source = 0; source < node; source++)
            {
                string expectedTail = "~" + source;
                string token = tokens[source];
                if (!token.EndsWith(expectedTail, StringComparison.Ordinal)) throw new FormatException($"'{text}': '{token}' should come from node {source}.");
                int op = Nb201OpNames.Names.ToList().IndexOf(token[..^expectedTail.Length]);
                if (op < 0) throw new FormatException($"'{text}': unknown operation in '{token}'.");
                ops.Add((Nb201Op)op);
            }
        }
        var genome = new Nb201Genome(ops.ToArray());
        if (genome.Canonical != text) throw new FormatException($"'{text}' does not round-trip (got '{genome.Canonical}').");
        return genome;
    }
}
