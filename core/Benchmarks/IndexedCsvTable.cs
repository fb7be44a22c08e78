using NasPS.IO;

namespace NasPS.Benchmarks;

/// <summary>
/// A CSV table with one row per official index: an <c>index</c> column that must read 0, 1, 2, … in row order,
/// and further columns read by name on first use (parsed once, cached). Shared by the benchmark and
/// cached-proxy tables so both check and report their files the same way.
/// </summary>
internal sealed class IndexedCsvTable
{
    private readonly CsvTable _csv;
    private readonly Dictionary<string, double[]> _numbers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string[]> _texts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    private IndexedCsvTable(CsvTable csv)
    {
        _csv = csv;
        int indexColumn = csv.Column("index");
        for (int row = 0; row < csv.Rows.Count; row++)
        {
            long index = csv.Long(row, indexColumn);
            if (index != row)
                throw new InvalidDataException(
                    $"{csv.Source}, line {csv.LineNumbers[row]}, column 'index': expected {row}, found {index}. " +
                    "Rows must be sorted by index 0, 1, 2, … without gaps.");
        }
        if (csv.Rows.Count == 0) throw new InvalidDataException($"{csv.Source}: the table has a header but no rows.");
    }

    public static IndexedCsvTable Load(string path) => new(CsvTable.Load(path));

    public string Source => _csv.Source;
    public int Count => _csv.Rows.Count;
    public IReadOnlyList<string> Columns => _csv.Header;
    public bool HasColumn(string name) => _csv.HasColumn(name);

    /// <summary>A numeric column; an empty cell reads as NaN ("no value"); "inf"/"-inf" read as infinities.</summary>
    public double[] Numbers(string column)
    {
        lock (_gate)
        {
            if (_numbers.TryGetValue(column, out var cached)) return cached;
            int c = _csv.Column(column);
            var values = new double[Count];
            for (int row = 0; row < values.Length; row++) values[row] = _csv.Double(row, c) ?? double.NaN;
            _numbers[column] = values;
            return values;
        }
    }

    public string[] Texts(string column)
    {
        lock (_gate)
        {
            if (_texts.TryGetValue(column, out var cached)) return cached;
            int c = _csv.Column(column);
            var values = new string[Count];
            for (int row = 0; row < values.Length; row++) values[row] = _csv.Text(row, c);
            _texts[column] = values;
            return values;
        }
    }

    /// <summary>The 1-based file line of the row with official index <paramref name="index"/>, for messages.</summary>
    public int LineOf(int index) => _csv.LineNumbers[index];

    public void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Source} has indices 0..{Count - 1}.");
    }
}
