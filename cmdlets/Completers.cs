using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>Completes names from a fixed list, case-insensitively by prefix; quoting is left to PowerShell since no name has spaces.</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Names { get; }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Matches(wordToComplete).Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));

    /// <summary>The names that complete <paramref name="prefix"/>, in list order.</summary>
    public IEnumerable<string> Matches(string? prefix)
    {
        prefix = (prefix ?? "").Trim('\'', '"');
        return Names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class SearchSpaceNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names => SearchSpaces.Names;
}

public sealed class DatasetNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names => DatasetInfo.Names;
}
