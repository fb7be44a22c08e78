using System.Text.Json;
using NasPS.Benchmarks;
using NasPS.Cli;
using NasPS.Cli.Commands;
using NasPS.Search;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Cli;

public class SearchCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (NaspsCli.Run(args, output, error), output.ToString(), error.ToString());
    }

    private static readonly string Cached = SharedData.Path("nb201/nb201_cached_proxies.csv");
    private static readonly string Benchmark = SharedData.Path("nb201/nb201.csv");

    [Fact]
    public void FreeReaOnCachedValuesGivesOneJsonRecordPerRunWithTheAnswersAccuracy()
    {
        var (code, text, err) = Run("search", "--method", "freerea", "--space", "nb201", "--runs", "3", "--seed", "10",
            "--cached-proxies", Cached, "--benchmark", Benchmark);
        Assert.True(code == 0, err);
        var runs = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.Equal([10UL, 11UL, 12UL], runs.Select(r => r.GetProperty("seed").GetUInt64()));
        var table = BenchmarkTable.Load(Benchmark);
        foreach (var run in runs)
        {
            int index = run.GetProperty("index").GetInt32();
            Assert.Equal(table.Architecture(index), run.GetProperty("arch").GetString());
            Assert.Equal(table.TestAccuracy(index, Dataset.Cifar10), run.GetProperty("test_accuracy").GetDouble());
            Assert.InRange(run.GetProperty("visited").GetInt32(), 150, 300);
            Assert.True(run.GetProperty("scores").TryGetProperty("naswot", out _));
        }
    }

    [Fact]
    public void TheCliRunIsTheLaunchersRun()
    {
        var viaCli = JsonDocument.Parse(Run("search", "--method", "cyclic", "--space", "nb201", "--seed", "5", "--cached-proxies", Cached).Out).RootElement[0];
        var direct = SearchLauncher.Run(new SearchRequest
        {
            Method = SearchMethod.Cyclic, Space = SearchSpaces.Get("nb201"), Seed = 5,
            CachedProxies = CachedProxyTable.Load(Cached, SharedData.Path("nb201/nb201_freerea_metric_times.csv")),
        });
        Assert.Equal(direct.Best.Architecture, viaCli.GetProperty("arch").GetString());
        Assert.Equal(direct.History.Count, viaCli.GetProperty("visited").GetInt32());
    }

    [Fact]
    public void ACheckpointedRunResumesToTheSameAnswer()
    {
        var dir = Directory.CreateTempSubdirectory("nasps-search-").FullName;
        try
        {
            var first = Run("search", "--method", "freerea", "--space", "nb201", "--seed", "2", "--cached-proxies", Cached, "--checkpoint", dir);
            Assert.True(first.Code == 0, first.Err);
            Assert.True(File.Exists(Path.Combine(dir, "run-2.json")));
            var resumed = Run("search", "--method", "freerea", "--space", "nb201", "--seed", "2", "--cached-proxies", Cached, "--checkpoint", dir, "--resume");
            Assert.True(resumed.Code == 0, resumed.Err);
            Assert.Equal(JsonDocument.Parse(first.Out).RootElement[0].GetProperty("arch").GetString(),
                         JsonDocument.Parse(resumed.Out).RootElement[0].GetProperty("arch").GetString());
            var changed = Run("search", "--method", "freerea", "--space", "nb201", "--seed", "2", "--cached-proxies", Cached, "--checkpoint", dir, "--resume", "--max-params", "500000");
            Assert.Equal(1, changed.Code);
            Assert.Contains("maxParameters", changed.Err, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SedSearchHonoursTheParameterCap()
    {
        var (code, text, err) = Run("search", "--method", "sed", "--space", "nb201", "--max-params", "500000", "--benchmark", Benchmark);
        Assert.True(code == 0, err);
        var run = JsonDocument.Parse(text).RootElement[0];
        Assert.InRange(run.GetProperty("params").GetInt64(), 1, 500_000);
        Assert.Equal(15625, run.GetProperty("visited").GetInt32() + CountOver(500_000));
    }

    private static int CountOver(long cap)
    {
        var space = SearchSpaces.Get("nb201");
        return space.Enumerate().Count(g => space.CountParameters(g, Dataset.Cifar10) > cap);
    }

    [Theory]
    [InlineData("45s", 0.75)]
    [InlineData("0.75m", 0.75)]
    [InlineData("2min", 2)]
    [InlineData("1h", 60)]
    [InlineData("3", 3)]
    public void BudgetsReadAsDurations(string text, double minutes) => Assert.Equal(minutes, SearchCommand.ParseBudgetMinutes(text), 12);

    [Theory]
    [InlineData(new[] { "search", "--space", "nb201" }, "--method is required")]
    [InlineData(new[] { "search", "--method", "greedy", "--space", "nb201" }, "Unknown method 'greedy'")]
    [InlineData(new[] { "search", "--method", "freerea", "--space", "nb201", "--budget", "soon" }, "is not a duration")]
    [InlineData(new[] { "search", "--method", "freerea", "--space", "nb201", "--resume" }, "--resume needs --checkpoint")]
    [InlineData(new[] { "search", "--method", "freerea", "--space", "nb201", "--max-evaluations", "0" }, "--max-evaluations must be between 1")]
    [InlineData(new[] { "search", "--method", "swapnas", "--space", "nb201", "--target-params", "0" }, "--target-params must be at least 1")]
    public void UsageErrorsSayWhy(string[] args, string expected)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void ProxiesTheCacheDoesNotHoldAreRefusedByName()
    {
        var (code, _, err) = Run("search", "--method", "freerea", "--space", "nb201", "--cached-proxies", Cached, "--proxy", "swap");
        Assert.Equal(1, code);
        Assert.Contains("'swap' is not cached", err);
    }

    [Fact]
    public void AnEvaluationBudgetBoundsEachRunAndTheRecordCarriesItsCost()
    {
        var (code, text, err) = Run("search", "--method", "freerea", "--space", "nb201", "--runs", "2", "--seed", "3",
            "--max-evaluations", "400", "--cached-proxies", Cached, "--benchmark", Benchmark);
        Assert.True(code == 0, err);
        foreach (var run in JsonDocument.Parse(text).RootElement.EnumerateArray())
        {
            // Without --max-evaluations FreeREA's 0.75 min of cached time stops near 210 architectures.
            Assert.InRange(run.GetProperty("visited").GetInt32(), 400, 402);
            Assert.Equal("max-evaluations", run.GetProperty("stop_reason").GetString());
            Assert.True(run.GetProperty("cpu_s").GetDouble() >= 0);
            Assert.True(run.GetProperty("elapsed_s").GetDouble() > 0);
            Assert.True(run.TryGetProperty("test_accuracy", out _));
        }
        Assert.Contains("(index ", err);
    }

    [Fact]
    public void ResumingSeveralRunsStartsThoseThatHaveNoCheckpointYet()
    {
        var dir = Directory.CreateTempSubdirectory("nasps-search-").FullName;
        try
        {
            string[] common = ["search", "--method", "freerea", "--space", "nb201", "--seed", "4", "--runs", "2", "--max-evaluations", "250", "--cached-proxies", Cached];
            var reference = Run(common);
            Assert.True(reference.Code == 0, reference.Err);
            // As if the job was stopped during its first run: only run-4.json exists.
            var first = Run(["search", "--method", "freerea", "--space", "nb201", "--seed", "4", "--max-evaluations", "250", "--cached-proxies", Cached, "--checkpoint", dir]);
            Assert.True(first.Code == 0, first.Err);
            var resumed = Run([.. common, "--checkpoint", dir, "--resume"]);
            Assert.True(resumed.Code == 0, resumed.Err);
            Assert.Contains("(seed 5) has no checkpoint", resumed.Err);
            var expected = JsonDocument.Parse(reference.Out).RootElement.EnumerateArray().Select(r => (r.GetProperty("arch").GetString(), r.GetProperty("visited").GetInt32()));
            var actual = JsonDocument.Parse(resumed.Out).RootElement.EnumerateArray().Select(r => (r.GetProperty("arch").GetString(), r.GetProperty("visited").GetInt32()));
            Assert.Equal(expected, actual);
            Assert.True(File.Exists(Path.Combine(dir, "run-5.json")));
            // A single run still refuses a missing checkpoint.
            var missing = Run(["search", "--method", "freerea", "--space", "nb201", "--seed", "9", "--cached-proxies", Cached, "--checkpoint", dir, "--resume"]);
            Assert.Equal(1, missing.Code);
            Assert.Contains("no checkpoint to resume", missing.Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
