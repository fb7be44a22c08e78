using System.Globalization;
using System.Text;
using System.Text.Json;
using NasPS.IO;
using NasPS.Search;

namespace NasPS.Reporting;

/// <summary>The file formats a search result is exported in.</summary>
public enum SearchResultFormat
{
    /// <summary>One object: the run's settings and outcome, the answer, and the whole history.</summary>
    Json,
    /// <summary>The history, one row per visited architecture, the answer marked in <c>is_best</c>; the run's identity
    /// (algorithm, space, dataset, seed) repeats on every row so several runs' files concatenate.</summary>
    Csv,
}

/// <summary>
/// Writes a <see cref="SearchResult"/> as JSON or CSV (invariant culture, shortest round-trip numbers; a non-finite
/// score is written as "inf", "-inf" or "nan", a string in JSON since JSON has no such numbers), and reads the CSV
/// history back (for plotting a run that was exported elsewhere).
/// </summary>
public static class SearchResultExport
{
    public static readonly IReadOnlyList<string> CsvFixedColumns =
        ["algorithm", "space", "dataset", "seed", "order", "generation", "phase", "index", "arch", "hash", "params", "flops", "cost_s", "test_accuracy", "is_best"];

    /// <summary>One result: JSON writes it as an object; several: a JSON array of them, or one CSV with every run's rows
    /// (score columns: the union over the runs, in first-seen order; empty where a run has no such score).</summary>
    /// <exception cref="InvalidDataException">A score name clashes with a fixed CSV column.</exception>
    public static string Write(IReadOnlyList<SearchResult> results, SearchResultFormat format) => format switch
    {
        SearchResultFormat.Json when results.Count == 1 => Json(results[0]),
        SearchResultFormat.Json => "[\n" + string.Join(",\n", results.Select(r => Json(r).TrimEnd())) + "\n]\n",
        SearchResultFormat.Csv => Csv(results),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Formats: Json, Csv."),
    };


    private static string Json(SearchResult r)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("algorithm", r.Algorithm);
            json.WriteString("space", r.Space);
            json.WriteString("dataset", r.Dataset);
            json.WriteNumber("seed", r.Seed);
            json.WriteNumber("steps", r.Steps);
            json.WriteNumber("visited", r.History.Count);
            json.WriteNumber("proxy_cost_s", r.ProxyCostSeconds);
            json.WriteNumber("budget_used_min", r.BudgetUsedMinutes);
            json.WriteNumber("elapsed_s", r.Elapsed.TotalSeconds);
            json.WriteString("stop_reason", r.StopReason);
            json.WritePropertyName("best");
            Record(json, r.Best);
            json.WriteStartArray("history");
            foreach (var record in r.History) Record(json, record);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Record(Utf8JsonWriter json, SearchRecord r)
    {
        json.WriteStartObject();
        json.WriteNumber("order", r.Order);
        json.WriteNumber("generation", r.Generation);
        if (r.Phase is null) json.WriteNull("phase"); else json.WriteString("phase", r.Phase);
        if (r.Index is long index) json.WriteNumber("index", index); else json.WriteNull("index");
        json.WriteString("arch", r.Architecture);
        json.WriteString("hash", r.Hash);
        json.WriteNumber("params", r.Parameters);
        json.WriteNumber("flops", r.Flops);
        json.WriteStartObject("scores");
        foreach (var (name, value) in r.Scores)
            NumberText.WriteJson(json, name, value);
        json.WriteEndObject();
        json.WriteNumber("cost_s", r.CostSeconds);
        if (r.TestAccuracy is double acc) json.WriteNumber("test_accuracy", acc); else json.WriteNull("test_accuracy");
        json.WriteEndObject();
    }

    private static string Csv(IReadOnlyList<SearchResult> results)
    {
        var scoreNames = results.SelectMany(r => r.History).SelectMany(h => h.Scores.Keys).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var clash = scoreNames.FirstOrDefault(n => CsvFixedColumns.Contains(n, StringComparer.OrdinalIgnoreCase));
        if (clash is not null) throw new InvalidDataException($"A score is named '{clash}', like a fixed column of the history CSV; export as JSON instead.");
        var sb = new StringBuilder();
        sb.Append(string.Join(',', CsvFixedColumns.Concat(scoreNames).Select(Quote))).Append('\n');
        foreach (var r in results)
        foreach (var h in r.History)
        {
            string[] cells =
            [
                r.Algorithm, r.Space, r.Dataset, r.Seed.ToString(CultureInfo.InvariantCulture),
                h.Order.ToString(CultureInfo.InvariantCulture), h.Generation.ToString(CultureInfo.InvariantCulture), h.Phase ?? "",
                h.Index?.ToString(CultureInfo.InvariantCulture) ?? "", h.Architecture, h.Hash,
                h.Parameters.ToString(CultureInfo.InvariantCulture), h.Flops.ToString(CultureInfo.InvariantCulture),
                NumberText.Format(h.CostSeconds), h.TestAccuracy is double a ? NumberText.Format(a) : "", h.Order == r.Best.Order ? "true" : "false",
                .. scoreNames.Select(n => h.Scores.TryGetValue(n, out var v) ? NumberText.Format(v) : ""),
            ];
            sb.Append(string.Join(',', cells.Select(Quote))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>The history of a CSV this class wrote (one run; with several runs concatenated, pass the rows of one).
    /// Every column after the fixed ones is a score.</summary>
    public static IReadOnlyList<SearchRecord> ReadHistoryCsv(CsvTable table)
    {
        foreach (var column in new[] { "order", "generation", "arch", "hash" })
            if (!table.HasColumn(column))
                throw new InvalidDataException($"{table.Source}: no column '{column}'; expected a history written by Export-SearchResult -Format Csv or nasps search --export.");
        var scoreColumns = table.Header.Select((name, c) => (name, c)).Where(h => !CsvFixedColumns.Contains(h.name, StringComparer.OrdinalIgnoreCase)).ToList();
        int Col(string name) => table.Column(name);
        int? Optional(string name) => table.HasColumn(name) ? table.Column(name) : null;
        int? phase = Optional("phase"), index = Optional("index"), parameters = Optional("params"), flops = Optional("flops"), cost = Optional("cost_s"), acc = Optional("test_accuracy");
        var records = new List<SearchRecord>(table.Rows.Count);
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var scores = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, c) in scoreColumns)
                if (table.Double(row, c) is double v) scores[name] = v;
            records.Add(new SearchRecord
            {
                Order = (int)table.Long(row, Col("order")),
                Generation = (int)table.Long(row, Col("generation")),
                Phase = phase is int p && table.Text(row, p).Length > 0 ? table.Text(row, p) : null,
                Index = index is int i && table.Text(row, i).Trim().Length > 0 ? table.Long(row, i) : null,
                Architecture = table.Text(row, Col("arch")),
                Hash = table.Text(row, Col("hash")),
                Parameters = parameters is int pc ? table.Long(row, pc) : 0,
                Flops = flops is int fc ? table.Long(row, fc) : 0,
                CostSeconds = cost is int cc ? table.Double(row, cc) ?? 0 : 0,
                TestAccuracy = acc is int ac ? table.Double(row, ac) : null,
                Scores = scores,
            });
        }
        return records;
    }
}
