using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace NasPS.Tests.Module;

/// <summary>
/// There is no pwsh here, so the Pester suites, the examples and the help examples cannot run in CI. This reads them and
/// checks every NasPS cmdlet call statically against the built assembly: the cmdlet is exported, and each -Parameter used
/// with it is one of its parameters, an alias, an unambiguous prefix, or a common parameter. A renamed parameter would
/// otherwise surface only when someone runs the suite in PowerShell 7.6.
/// </summary>
public class ScriptInvocationTests
{
    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "tests/pester", "examples" })
        foreach (var file in Directory.GetFiles(Path.Combine(ModuleLayout.RepoRoot, folder), "*.ps1").Order())
            data.Add(Path.GetRelativePath(ModuleLayout.RepoRoot, file));
        foreach (var file in Directory.GetFiles(Path.Combine(ModuleLayout.RepoRoot, "module", "help"), "*.md").Order())
            data.Add(Path.GetRelativePath(ModuleLayout.RepoRoot, file));
        return data;
    }

    private static readonly Dictionary<string, Type> Cmdlets =
        ModuleLayout.CmdletTypes.ToDictionary(ModuleLayout.CmdletName, StringComparer.OrdinalIgnoreCase);

    [Theory]
    [MemberData(nameof(Scripts))]
    public void EveryNasPSCmdletCallUsesParametersTheCmdletHas(string relativePath)
    {
        string text = File.ReadAllText(Path.Combine(ModuleLayout.RepoRoot, relativePath));
        if (relativePath.EndsWith(".md", StringComparison.Ordinal)) // help: only the PowerShell code blocks
            text = string.Join("\n", Regex.Matches(text, "```powershell\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value));
        var problems = Problems(text, out _);
        Assert.True(problems.Count == 0, $"{relativePath}: {string.Join("; ", problems)}");
    }

    [Fact]
    public void TheCheckFindsCallsAndCatchesWrongParameters()
    {
        const string script = "Get-Architecture -Space nb201 -Random 5 -Seed 1 | Measure-LogSynflow -Thrott 2 |\n" +
                              "  Export-Network ./w -Initialisation normal -WhatIf\n" +
                              "Get-Help Export-Network -Full; 'Export-Network -Nonsense' | Out-Null\n" +
                              "Invoke-FreeReaSearch -Space nb201 `\n  -MaxParams 5e5 -Seed (Get-Random -Maximum 9)";
        var problems = Problems(script, out int calls);
        Assert.Equal(4, calls);
        Assert.Equal(["line 2: Export-Network -Initialisation (no such parameter)", "line 4: Invoke-FreeReaSearch -MaxParams (no such parameter)"], problems);
    }

    /// <summary>Every call of an exported cmdlet in <paramref name="text"/> with a -Parameter the cmdlet does not have.</summary>
    private static List<string> Problems(string text, out int calls)
    {
        var problems = new List<string>();
        calls = 0;
        foreach (Match m in Regex.Matches(text, @"(?<![\w'""-])(?<name>[A-Z][a-z]+-[A-Za-z]+)(?![\w'""-])"))
        {
            if (!Cmdlets.TryGetValue(m.Groups["name"].Value, out var type)) continue;
            if (Regex.IsMatch(text[..m.Index], @"Get-(Help|Command)\s+$")) continue; // named, not called
            calls++;
            var parameters = ModuleLayout.Parameters(type).ToList();
            foreach (var used in ParametersUsed(text, m.Index + m.Length))
            {
                if (CommonParameters.Contains(used)) continue;
                bool exact = parameters.Any(p => p.Name.Equals(used, StringComparison.OrdinalIgnoreCase)
                                                 || ModuleLayout.Aliases(p).Contains(used, StringComparer.OrdinalIgnoreCase));
                int prefixed = parameters.Count(p => p.Name.StartsWith(used, StringComparison.OrdinalIgnoreCase));
                if (!exact && prefixed != 1)
                    problems.Add($"line {LineOf(text, m.Index)}: {m.Groups["name"].Value} -{used}" + (prefixed > 1 ? " (ambiguous)" : " (no such parameter)"));
            }
        }
        return problems;
    }

    /// <summary>The -Names at nesting depth 0 from <paramref name="start"/> to the end of the command: a pipe, a semicolon,
    /// a closing bracket of an enclosing expression, or a line end without a continuation backtick. Quoted strings and
    /// nested (...), [...], {...} are skipped (their own calls are found separately).</summary>
    private static IEnumerable<string> ParametersUsed(string text, int start)
    {
        int depth = 0;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\'' or '"')
            {
                int close = text.IndexOf(c, i + 1);
                if (close < 0) yield break;
                i = close;
                continue;
            }
            if (c is '(' or '[' or '{') { depth++; continue; }
            if (c is ')' or ']' or '}')
            {
                if (depth == 0) yield break;
                depth--;
                continue;
            }
            if (depth > 0) continue;
            if (c is '|' or ';') yield break;
            if (c == '#') yield break; // a comment ends the command's text on this line
            if (c == '\n')
            {
                int back = i - 1;
                while (back > start && text[back] is ' ' or '\r') back--;
                if (text[back] != '`') yield break;
                continue;
            }
            if (c == '-' && i > 0 && char.IsWhiteSpace(text[i - 1]) && i + 1 < text.Length && char.IsLetter(text[i + 1]))
            {
                int end = i + 1;
                while (end < text.Length && char.IsLetterOrDigit(text[end])) end++;
                yield return text[(i + 1)..end];
                i = end - 1;
            }
        }
    }

    private static int LineOf(string text, int index) => text.Take(index).Count(ch => ch == '\n') + 1;
}
