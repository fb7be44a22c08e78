namespace NasPS.Tests;

/// <summary>Locates the project's reference data (../shared/data beside the repository) and its own fixtures.</summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The absolute path of a file under shared/data, e.g. "nb201/nb201.csv".</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root.Value, relative);

    /// <summary>The absolute path of a committed test fixture (tests/NasPS.Tests/Fixtures/…).</summary>
    public static string Fixture(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("NASPS_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(candidate, "nb201", "nb201.csv"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            "The shared reference data was not found: expected ../shared/data beside the repository (or set NASPS_SHARED_DATA).");
    }
}
