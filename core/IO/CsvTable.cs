using System.Globalization;
using System.Text;

namespace NasPS.IO;

/// <summary>
/// A CSV file read whole (RFC 4180: quoted fields, embedded commas, quotes and newlines, CRLF or LF rows).
/// Columns are found by name; every error names the file, the line and the column.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columnIndex;

    private CsvTable(string source, IReadOnlyList<string> header, List<string[]> rows, List<int> lineNumbers)
    {
        Source = source;
        Header = header;
        Rows = rows;
        LineNumbers = lineNumbers;
        _columnIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++)
        {
            if (!_columnIndex.TryAdd(header[i], i))
                throw new InvalidDataException($"{source}: column '{header[i]}' appears twice in the header.");
        }
    }

    /// <summary>Where the table came from (a path), for messages.</summary>
    public string Source { get; }
    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }
    /// <summary>1-based line number in the file where each row starts.</summary>
    public IReadOnlyList<int> LineNumbers { get; }

    public static CsvTable Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' does not exist.", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    public static CsvTable Parse(TextReader reader, string source)
    {
        var records = new List<string[]>();
        var lines = new List<int>();
        var field = new StringBuilder();
        var record = new List<string>();
        int line = 1, recordLine = 1;
        bool inQuotes = false, fieldWasQuoted = false, any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            char ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"':
                    if (field.Length != 0 || fieldWasQuoted)
                        throw new InvalidDataException($"{source}, line {line}: a quote inside an unquoted field.");
                    inQuotes = true;
                    fieldWasQuoted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    fieldWasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    bool blankLine = record.Count == 0 && field.Length == 0 && !fieldWasQuoted;
                    record.Add(field.ToString());
                    field.Clear();
                    fieldWasQuoted = false;
                    if (!blankLine)
                    {
                        records.Add(record.ToArray());
                        lines.Add(recordLine);
                    }
                    record.Clear();
                    line++;
                    recordLine = line;
                    break;
                default:
                    if (fieldWasQuoted)
                        throw new InvalidDataException($"{source}, line {line}: text after a closing quote.");
                    field.Append(ch);
                    break;
            }
        }
        if (inQuotes) throw new InvalidDataException($"{source}, line {recordLine}: a quoted field is not closed before the end of the file.");
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record.ToArray());
            lines.Add(recordLine);
        }
        if (!any || records.Count == 0) throw new InvalidDataException($"{source}: the file is empty; a header row is required.");

        var header = records[0];
        records.RemoveAt(0);
        lines.RemoveAt(0);
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Length != header.Length)
                throw new InvalidDataException($"{source}, line {lines[i]}: {records[i].Length} fields, but the header has {header.Length}.");
        }
        return new CsvTable(source, header, records, lines);
    }

    public bool HasColumn(string name) => _columnIndex.ContainsKey(name);

    public int Column(string name) =>
        _columnIndex.TryGetValue(name, out int i)
            ? i
            : throw new InvalidDataException($"{Source}: no column named '{name}'. Columns: {string.Join(", ", Header)}.");

    public string Text(int row, int column) => Rows[row][column];

    /// <summary>A floating-point cell; "inf", "-inf" and "nan" are accepted; an empty cell is null.</summary>
    public double? Double(int row, int column)
    {
        string s = Rows[row][column].Trim();
        if (s.Length == 0) return null;
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
            case "nan": return double.NaN;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        throw new InvalidDataException($"{Source}, line {LineNumbers[row]}, column '{Header[column]}': '{s}' is not a number.");
    }

    public long Long(int row, int column)
    {
        string s = Rows[row][column].Trim();
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)) return v;
        throw new InvalidDataException($"{Source}, line {LineNumbers[row]}, column '{Header[column]}': '{s}' is not an integer.");
    }
}
