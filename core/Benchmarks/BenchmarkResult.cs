using NasPS.Spaces;

namespace NasPS.Benchmarks;

/// <summary>
/// One architecture's row of a benchmark table, as Get-BenchmarkResult returns it: its official index, the test accuracy
/// for the chosen dataset, and every numeric column of the row by name (all datasets, validation accuracies, costs).
/// Plain values only, so it serialises and survives remoting.
/// </summary>
public sealed class BenchmarkResult
{
    public required string Source { get; init; }
    public required int Index { get; init; }
    public required string Architecture { get; init; }
    public required string Dataset { get; init; }
    /// <summary>Test accuracy (%) on <see cref="Dataset"/>; NaN when the table has no value.</summary>
    public required double TestAccuracy { get; init; }
    /// <summary>Every numeric column of the row, in the table's column order (empty cells are NaN).</summary>
    public required IReadOnlyDictionary<string, double> Values { get; init; }

    /// <summary>The row at an official index.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the table.</exception>
    public static BenchmarkResult At(BenchmarkTable table, int index, Dataset dataset)
    {
        string architecture = table.Architecture(index);
        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in NumericColumns(table)) values[column] = table.Value(index, column);
        return new BenchmarkResult
        {
            Source = table.Source,
            Index = index,
            Architecture = architecture,
            Dataset = dataset.ShortName(),
            TestAccuracy = table.TestAccuracy(index, dataset),
            Values = values,
        };
    }

    /// <summary>The row of an architecture string (canonical form).</summary>
    /// <exception cref="KeyNotFoundException">The architecture is not in the table; the message names it and the file.</exception>
    public static BenchmarkResult Of(BenchmarkTable table, string architecture, Dataset dataset) => At(table, table.IndexOf(architecture), dataset);

    /// <summary>The columns whose every cell reads as a number (or is empty); text columns such as arch are left out.</summary>
    private static IEnumerable<string> NumericColumns(BenchmarkTable table)
    {
        foreach (var column in table.Columns)
        {
            if (column is "arch" or "index") continue;
            bool numeric;
            try
            {
                _ = table.Column(column);
                numeric = true;
            }
            catch (InvalidDataException)
            {
                numeric = false;
            }
            if (numeric) yield return column;
        }
    }
}
