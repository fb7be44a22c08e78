using NasPS.Spaces;

namespace NasPS.Benchmarks;

/// <summary>
/// A benchmark's ground truth, e.g. <c>nb201.csv</c>: one row per official index with its architecture string
/// and trained results. Columns are found by name; the test accuracy of a dataset is the column
/// <c>{dataset}_test_acc</c> (dataset short name: cifar10, cifar100, imagenet16).
/// Every error names the file, and where it applies the line and column.
/// </summary>
public sealed class BenchmarkTable
{
    private readonly IndexedCsvTable _table;
    private readonly string[] _architectures;
    private readonly Dictionary<string, int> _indexByArchitecture;

    private BenchmarkTable(IndexedCsvTable table)
    {
        _table = table;
        _architectures = table.Texts("arch");
        _indexByArchitecture = new Dictionary<string, int>(_architectures.Length, StringComparer.Ordinal);
        for (int i = 0; i < _architectures.Length; i++)
        {
            if (!_indexByArchitecture.TryAdd(_architectures[i], i))
                throw new InvalidDataException(
                    $"{table.Source}, line {table.LineOf(i)}, column 'arch': '{_architectures[i]}' already appears at index {_indexByArchitecture[_architectures[i]]}.");
        }
    }

    /// <summary>Reads a table with at least the columns <c>index</c> (0..n−1 in row order) and <c>arch</c>.</summary>
    public static BenchmarkTable Load(string path) => new(IndexedCsvTable.Load(path));

    /// <summary>The file the table was read from.</summary>
    public string Source => _table.Source;

    /// <summary>Number of architectures (rows).</summary>
    public int Count => _table.Count;

    public IReadOnlyList<string> Columns => _table.Columns;

    public bool HasColumn(string column) => _table.HasColumn(column);

    /// <summary>The architecture string at an official index.</summary>
    public string Architecture(int index)
    {
        _table.CheckIndex(index);
        return _architectures[index];
    }

    public bool TryIndexOf(string architecture, out int index) => _indexByArchitecture.TryGetValue(architecture, out index);

    /// <summary>The official index of an architecture string (exact, canonical form).</summary>
    public int IndexOf(string architecture) =>
        TryIndexOf(architecture, out int index)
            ? index
            : throw new KeyNotFoundException($"{Source}: architecture '{architecture}' is not in the table.");

    /// <summary>Name of the column holding the test accuracy of <paramref name="dataset"/>.</summary>
    public static string TestAccuracyColumn(Dataset dataset) => dataset.ShortName() + "_test_acc";

    /// <summary>Test accuracy (%) of the architecture at <paramref name="index"/> on <paramref name="dataset"/>.</summary>
    public double TestAccuracy(int index, Dataset dataset) => Value(index, TestAccuracyColumn(dataset));

    /// <summary>Test accuracy (%) of an architecture string on <paramref name="dataset"/>.</summary>
    public double TestAccuracy(string architecture, Dataset dataset) => TestAccuracy(IndexOf(architecture), dataset);

    /// <summary>One cell of a numeric column; NaN when the cell is empty.</summary>
    public double Value(int index, string column)
    {
        _table.CheckIndex(index);
        return _table.Numbers(column)[index];
    }

    /// <summary>A whole numeric column in index order (empty cells are NaN).</summary>
    public IReadOnlyList<double> Column(string column) => _table.Numbers(column);
}
