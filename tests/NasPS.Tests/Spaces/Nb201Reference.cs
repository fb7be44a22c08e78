using NasPS.IO;

namespace NasPS.Tests.Spaces;

/// <summary>The shared NB201 reference files, read once per test run.</summary>
internal static class Nb201Reference
{
    private static readonly Lazy<CsvTable> LazyTable = new(() => CsvTable.Load(SharedData.Path("nb201/nb201.csv")));
    private static readonly Lazy<string[]> LazyIndexToArch = new(() => File.ReadAllLines(SharedData.Path("nb201/index_to_arch.txt")));

    /// <summary>nb201.csv: one row per official index, sorted by index.</summary>
    public static CsvTable Table => LazyTable.Value;

    /// <summary>index_to_arch.txt: line k is the architecture of index k.</summary>
    public static string[] IndexToArch => LazyIndexToArch.Value;
}
