using System.Collections;
using System.Management.Automation;
using NasPS.Search;
using NasPS.Spaces;

namespace NasPS.Cmdlets;

/// <summary>A search result as it reaches a cmdlet: live, or deserialized (Import-Clixml, a job, remoting), where it is
/// a property bag with the same names (module/NasPS.Types.ps1xml keeps its history deep enough to survive).</summary>
internal static class SearchResultObjects
{
    /// <exception cref="ArgumentException">The object is not a search result; the message says what is missing.</exception>
    public static SearchResult From(PSObject item)
    {
        if (item.BaseObject is SearchResult live) return live;
        string Text(PSObject o, string name) => Value(o, name)?.ToString() ?? throw Missing(item, name);
        if (Value(item, "History") is not IEnumerable historyItems || historyItems is string) throw Missing(item, "History");
        var history = historyItems.Cast<object>().Select(h => Record(item, PSObject.AsPSObject(h))).ToList();
        var bestObject = Value(item, "Best") is { } b ? PSObject.AsPSObject(b) : throw Missing(item, "Best");
        int bestOrder = Convert<int>(item, bestObject, "Order");
        var best = history.FirstOrDefault(h => h.Order == bestOrder) ?? throw new ArgumentException($"The search result's Best (order {bestOrder}) is not in its History.");
        string space = Text(item, "Space");
        return new SearchResult
        {
            Algorithm = Text(item, "Algorithm"),
            Space = space,
            Dataset = Text(item, "Dataset"),
            Seed = Convert<ulong>(item, item, "Seed"),
            BestGenome = SearchSpaces.Get(space).Parse(best.Architecture),
            Best = best,
            History = history,
            Steps = Convert<int>(item, item, "Steps"),
            ProxyCostSeconds = Convert<double>(item, item, "ProxyCostSeconds"),
            Elapsed = Convert<TimeSpan>(item, item, "Elapsed"),
            BudgetUsedMinutes = Convert<double>(item, item, "BudgetUsedMinutes"),
            StopReason = Text(item, "StopReason"),
        };
    }

    private static SearchRecord Record(PSObject result, PSObject r)
    {
        var scores = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        switch (Value(r, "Scores"))
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry e in dictionary) scores[e.Key.ToString()!] = LanguagePrimitives.ConvertTo<double>(e.Value);
                break;
            case PSObject bag:
                foreach (var p in bag.Properties) scores[p.Name] = LanguagePrimitives.ConvertTo<double>(p.Value);
                break;
            default:
                throw Missing(result, "History[].Scores");
        }
        return new SearchRecord
        {
            Order = Convert<int>(result, r, "Order"),
            Architecture = Value(r, "Architecture")?.ToString() ?? throw Missing(result, "History[].Architecture"),
            Index = Value(r, "Index") is { } index ? LanguagePrimitives.ConvertTo<long>(index) : null,
            Hash = Value(r, "Hash")?.ToString() ?? "",
            Generation = Convert<int>(result, r, "Generation"),
            Phase = Value(r, "Phase")?.ToString(),
            Parameters = Convert<long>(result, r, "Parameters"),
            Flops = Convert<long>(result, r, "Flops"),
            Scores = scores,
            CostSeconds = Convert<double>(result, r, "CostSeconds"),
            TestAccuracy = Value(r, "TestAccuracy") is { } acc ? LanguagePrimitives.ConvertTo<double>(acc) : null,
        };
    }

    private static object? Value(PSObject o, string name) => o.Properties[name]?.Value switch
    {
        PSObject p when p.BaseObject is not PSCustomObject => p.BaseObject,
        var v => v,
    };

    private static T Convert<T>(PSObject result, PSObject o, string name)
    {
        var v = Value(o, name) ?? throw Missing(result, name);
        try
        {
            return LanguagePrimitives.ConvertTo<T>(v);
        }
        catch (PSInvalidCastException)
        {
            throw new ArgumentException($"The search result's {name} is '{v}', not a {typeof(T).Name}.");
        }
    }

    private static ArgumentException Missing(PSObject item, string name) =>
        new($"'{item}' is not a search result (no {name} property): pipe the output of an Invoke-*Search cmdlet, or its Import-Clixml copy.");
}
