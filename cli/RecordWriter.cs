using System.Globalization;
using System.Text.Json;
using NasPS.IO;
using NasPS.Spaces;

namespace NasPS.Cli;

/// <summary>Writes architecture records as an aligned table, CSV (RFC 4180, invariant culture, shortest round-trip numbers)
/// or JSON (one array). Columns: index, arch, hash, dataset, params, flops, then every score in first-seen order.</summary>
public static class RecordWriter
{
    public static readonly IReadOnlyList<string> Formats = ["table", "csv", "json"];

    public static void Write(IEnumerable<ArchitectureRecord> records, string format, TextWriter output)
    {
        switch (format.ToLowerInvariant())
        {
            case "csv": WriteCsv(records, output); break;
            case "json": WriteJson(records, output); break;
            case "table": WriteTable(records.ToList(), output); break;
            default: throw new UsageException($"Unknown format '{format}'. Formats: {string.Join(", ", Formats)}.");
        }
    }

    private static readonly string[] FixedColumns = ["index", "arch", "hash", "dataset", "params", "flops"];

    private static string[] Fixed(ArchitectureRecord r) =>
        [r.Index?.ToString(CultureInfo.InvariantCulture) ?? "", r.Architecture, r.Hash, r.Dataset,
         r.Parameters.ToString(CultureInfo.InvariantCulture), r.Flops.ToString(CultureInfo.InvariantCulture)];

    private static void WriteCsv(IEnumerable<ArchitectureRecord> records, TextWriter output)
    {
        // Streams: the score columns are those of the first record (every record of one command has the same scores).
        List<string>? scoreNames = null;
        foreach (var r in records)
        {
            if (scoreNames is null)
            {
                scoreNames = [.. r.Scores.Keys];
                output.WriteLine(string.Join(',', FixedColumns.Concat(scoreNames).Select(Quote)));
            }
            var cells = Fixed(r).Concat(scoreNames.Select(n => r.Scores.TryGetValue(n, out var v) ? NumberText.Format(v) : ""));
            output.WriteLine(string.Join(',', cells.Select(Quote)));
        }
        if (scoreNames is null) output.WriteLine(string.Join(',', FixedColumns));
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    private static void WriteJson(IEnumerable<ArchitectureRecord> records, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var r in records)
            {
                json.WriteStartObject();
                if (r.Index is long index) json.WriteNumber("index", index); else json.WriteNull("index");
                json.WriteString("arch", r.Architecture);
                json.WriteString("hash", r.Hash);
                json.WriteString("dataset", r.Dataset);
                json.WriteNumber("params", r.Parameters);
                json.WriteNumber("flops", r.Flops);
                foreach (var (name, value) in r.Scores)
                {
                    // JSON has no infinities: non-finite scores are written as strings, as the CSV writes them.
                    NumberText.WriteJson(json, name, value);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteTable(IReadOnlyList<ArchitectureRecord> records, TextWriter output)
    {
        var scoreNames = records.SelectMany(r => r.Scores.Keys).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        string[] header = ["Index", "Architecture", "Parameters", "Flops", .. scoreNames];
        var rows = records.Select(r => (string[])[
            r.Index?.ToString(CultureInfo.InvariantCulture) ?? "", r.Architecture,
            r.Parameters.ToString("N0", CultureInfo.InvariantCulture), r.Flops.ToString("N0", CultureInfo.InvariantCulture),
            .. scoreNames.Select(n => r.Scores.TryGetValue(n, out var v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "")]).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        bool[] rightAligned = header.Select((_, c) => c != 1).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((s, c) => rightAligned[c] ? s.PadLeft(widths[c]) : s.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var row in rows) output.WriteLine(Line(row));
    }
}
