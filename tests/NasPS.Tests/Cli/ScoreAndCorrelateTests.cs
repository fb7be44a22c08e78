using System.Globalization;
using NasPS.Analysis;
using NasPS.Cli;
using NasPS.IO;
using NasPS.Proxies;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Cli;

public class ScoreAndCorrelateTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (NaspsCli.Run(args, output, error), output.ToString(), error.ToString());
    }

    private static string Benchmark => SharedData.Path("nb201/nb201.csv");

    [Fact]
    public void ScoreWritesOneColumnPerProxyMatchingTheProxyItself()
    {
        var (code, text, err) = Run("score", "--space", "nb201", "--index", "1462,1651", "--proxy", "sed", "--format", "csv");
        Assert.True(code == 0, err);
        var table = CsvTable.Parse(new StringReader(text), "out");
        Assert.Equal(["index", "arch", "hash", "dataset", "params", "flops", "sed"], table.Header);
        var nb201 = SearchSpaces.Get("nb201");
        double expected = ZeroCostProxies.Get("sed").Score(nb201.FromIndex(1462), new ProxyContext { Dataset = Dataset.Cifar10 }).Value;
        Assert.Equal(expected, table.Double(0, 6));
        Assert.Equal(double.NegativeInfinity, table.Double(1, 6)); // all-none: disconnected, written as -inf, not replaced
    }

    [Fact]
    public void InitsOverridesTheProxysOwnCount()
    {
        var (code, text, err) = Run("score", "--space", "nb201", "--index", "1835", "--proxy", "synflow", "--inits", "1", "--seed", "4", "--format", "csv");
        Assert.True(code == 0, err);
        var genome = SearchSpaces.Get("nb201").FromIndex(1835);
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 4 };
        double single = new SynflowProxy(SynflowVariant.Synflow, repeats: 1).Score(genome, context).Value;
        double three = ZeroCostProxies.Get("synflow").Score(genome, context).Value;
        Assert.NotEqual(single, three);
        Assert.Equal(single, CsvTable.Parse(new StringReader(text), "out").Double(0, 6));
    }

    /// <summary>--conv direct scores with direct convolutions (the scores of earlier releases, bit for bit); the default
    /// Winograd ones differ from them by rounding only.</summary>
    [Fact]
    public void ConvolutionAlgorithmChangesNaswotOnlyInItsLastDigits()
    {
        string[] common = ["score", "--space", "nb201", "--index", "5,1110", "--proxy", "naswot-official,synflow", "--batch", "128",
            "--data", SharedData.Path("cifar10/test_batch_first1017.bin"), "--format", "csv"];
        var (code, winograd, err) = Run(common);
        Assert.True(code == 0, err);
        var (codeDirect, direct, errDirect) = Run([.. common, "--conv", "direct"]);
        Assert.True(codeDirect == 0, errDirect);
        var a = CsvTable.Parse(new StringReader(winograd), "winograd");
        var b = CsvTable.Parse(new StringReader(direct), "direct");
        for (int row = 0; row < 2; row++)
        {
            double w = a.Double(row, a.Column("naswot-official"))!.Value, d = b.Double(row, b.Column("naswot-official"))!.Value;
            Assert.True(Math.Abs(w - d) <= 1e-6 * Math.Abs(d), $"row {row}: winograd {w}, direct {d}");
            // Synflow runs in float64 with gradients: direct either way.
            Assert.Equal(b.Double(row, b.Column("synflow")), a.Double(row, a.Column("synflow")));
        }
    }

    [Fact]
    public void CorrelateTakesTheConvolutionAlgorithmToo()
    {
        var (code, _, err) = Run("correlate", "--space", "nb201", "--benchmark", Benchmark, "--index", "0,1", "--proxy", "sed", "--conv", "fast");
        Assert.Equal(2, code);
        Assert.Contains("--conv must be winograd or direct, not 'fast'", err);
        var (ok, text, okErr) = Run("correlate", "--space", "nb201", "--benchmark", Benchmark, "--index", "0,1,2", "--proxy", "sed", "--conv", "direct", "--format", "csv");
        Assert.True(ok == 0, okErr);
        Assert.Contains("sed", text);
    }

    [Fact]
    public void TooFewImagesForAProxyIsAPlainErrorAlsoWhenArchitecturesRunSideBySide()
    {
        // naswot-official needs 128 images; --data alone gives 64. With --threads 2 the architectures are scored in
        // parallel, which once surfaced as an unhandled AggregateException with a stack dump.
        var (code, text, err) = Run("score", "--space", "nb201", "--index", "0,1", "--proxy", "naswot-official", "--threads", "2",
            "--data", SharedData.Path("cifar10/test_batch_first1017.bin"), "--format", "csv");
        Assert.Equal(1, code);
        Assert.Contains("needs 128 input images", err);
        Assert.DoesNotContain("One or more errors", err);
        Assert.DoesNotContain(" at NasPS.", err);
        Assert.Equal("", text);
    }

    [Theory]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0" }, "--proxy is required")]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0", "--proxy", "magic" }, "Unknown proxy 'magic'")]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0", "--proxy", "sed", "--batch", "8" }, "go with --data")]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0", "--proxy", "sed", "--threads", "0" }, "--threads must be between 1 and 64")]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0", "--proxy", "synflow", "--inits", "0" }, "--inits must be between 1 and 1000")]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0", "--proxy", "sed", "--conv", "fft" }, "--conv must be winograd or direct, not 'fft'")]
    [InlineData(new[] { "score", "--space", "nb201", "--index", "0", "--proxy", "synflow", "--inits", "2", "--weights", "w.safetensors" }, "--inits and --weights exclude each other")]
    public void ScoreUsageErrorsSayWhy(string[] args, string expected)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    /// <summary>The correlate path reproduces the spec's §5.1 numbers from FreeREA's cached values over all 15,625.</summary>
    [Fact]
    public void CorrelateFromAScoresFileReproducesTheSpecTable()
    {
        var (code, text, err) = Run("correlate", "--space", "nb201", "--benchmark", Benchmark, "--all",
            "--scores", SharedData.Path("nb201/nb201_cached_proxies.csv"), "--column", "cifar10_freerea_logsynflow,cifar10_freerea_naswot", "--format", "csv");
        Assert.True(code == 0, err);
        var table = CsvTable.Parse(new StringReader(text), "out");
        Assert.Equal(15625, table.Long(0, table.Column("count")));
        Assert.Equal(0.826, table.Double(0, table.Column("spearman"))!.Value, 3);
        Assert.Equal(0.630, table.Double(0, table.Column("kendall_tau_b"))!.Value, 3);
        Assert.Equal(0.793, table.Double(1, table.Column("spearman"))!.Value, 3);
        Assert.Equal(0.608, table.Double(1, table.Column("kendall_tau_b"))!.Value, 3);
    }

    [Fact]
    public void CorrelateLiveAgreesWithCorrelatingTheScoreOutput()
    {
        var live = Run("correlate", "--space", "nb201", "--benchmark", Benchmark, "--random", "300", "--seed", "4", "--proxy", "sed", "--format", "csv", "--dataset", "cifar100");
        Assert.True(live.Code == 0, live.Err);
        var scored = Run("score", "--space", "nb201", "--random", "300", "--seed", "4", "--proxy", "sed", "--format", "csv", "--dataset", "cifar100");
        var scores = CsvTable.Parse(new StringReader(scored.Out), "scores");
        var truth = CsvTable.Load(Benchmark);
        var x = Enumerable.Range(0, scores.Rows.Count).Select(r => scores.Double(r, 6)!.Value).ToList();
        var y = Enumerable.Range(0, scores.Rows.Count).Select(r => truth.Double((int)scores.Long(r, 0), truth.Column("cifar100_test_acc"))!.Value).ToList();
        var expected = CorrelationReport.Compute("sed", x, "cifar100_test_acc", y);
        var row = CsvTable.Parse(new StringReader(live.Out), "live");
        Assert.Equal(expected.Spearman.ToString("R", CultureInfo.InvariantCulture), row.Text(0, row.Column("spearman")));
        Assert.Equal("cifar100_test_acc", row.Text(0, row.Column("target")));
    }

    [Fact]
    public void CorrelateNamesAMissingRowOfTheScoresFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nasps-scores-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "index,s\n0,1.5\n");
        try
        {
            var (code, _, err) = Run("correlate", "--space", "nb201", "--benchmark", Benchmark, "--index", "0,1", "--scores", path, "--column", "s");
            Assert.Equal(1, code);
            Assert.Contains("no row for index 1", err);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class ProxyRunnerTests
{
    /// <summary>A proxy that records nothing but its input, so order and determinism can be checked without a network.</summary>
    private sealed class LengthProxy : IZeroCostProxy
    {
        public string Name => "length";
        public string Version => "1";
        public bool NeedsInput => false;
        public bool Supports(Genome genome) => genome.SpaceName == "NasBench201";
        public ProxyResult Score(Genome genome, ProxyContext context) =>
            new(Name, Version, genome.Canonical.Length + (double)context.Seed, "test", TimeSpan.Zero);
    }

    [Fact]
    public void ResultsComeBackInInputOrderForAnyThrottleLimit()
    {
        var space = SearchSpaces.Get("nb201");
        var genomes = ArchitectureQuery.Random(space, 97, 5).ToList();
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 3 };
        var one = new ProxyRunner([new LengthProxy()], context).Run(genomes).ToList();
        var four = new ProxyRunner([new LengthProxy()], context) { ThrottleLimit = 4 }.Run(genomes).ToList();
        Assert.Equal(genomes, one.Select(s => s.Genome));
        Assert.Equal(one.Select(s => s.Results[0].Value), four.Select(s => s.Results[0].Value));
        Assert.Equal(genomes[10].Canonical.Length + 3, one[10].Results[0].Value);
    }

    [Fact]
    public void RealProxies_ScoreIdentically_SideBySideWithAShareOfTheCores()
    {
        // Side by side, each architecture's kernels run with Parallelism.Limit(its share): values must not move a bit.
        var genomes = ArchitectureQuery.Random(SearchSpaces.Get("nb201"), 6, 11).ToList();
        var context = new ProxyContext { Dataset = Dataset.Cifar10, Seed = 2 };
        IZeroCostProxy[] proxies = [ZeroCostProxies.Get("logsynflow"), ZeroCostProxies.Get("entropic")];
        var one = new ProxyRunner(proxies, context).Run(genomes).SelectMany(s => s.Results.Select(r => r.Value)).ToList();
        var two = new ProxyRunner(proxies, context) { ThrottleLimit = 2 }.Run(genomes).SelectMany(s => s.Results.Select(r => r.Value)).ToList();
        Assert.Equal(one, two);
    }

    /// <summary>Sleeps for a time that depends on the architecture, counts the scores started, and fails on request.</summary>
    private sealed class SlowProxy(string? failOn = null) : IZeroCostProxy
    {
        private int _started;
        public int Started => Volatile.Read(ref _started);
        public string Name => "slow";
        public string Version => "1";
        public bool NeedsInput => false;
        public bool Supports(Genome genome) => true;
        public ProxyResult Score(Genome genome, ProxyContext context)
        {
            Interlocked.Increment(ref _started);
            if (genome.Canonical == failOn) throw new ArgumentException($"cannot score {genome.Canonical}");
            Thread.Sleep(genome.Canonical.Length % 7);
            return new(Name, Version, genome.Canonical.Length, "test", TimeSpan.Zero);
        }
    }

    [Fact]
    public void SideBySide_StoppingEarlyStopsScoring_AndAFailureSurfacesAsItself()
    {
        var genomes = ArchitectureQuery.Random(SearchSpaces.Get("nb201"), 200, 9).ToList();
        var context = new ProxyContext { Dataset = Dataset.Cifar10 };

        var slow = new SlowProxy();
        var firstThree = new ProxyRunner([slow], context) { ThrottleLimit = 2 }.Run(genomes).Take(3).ToList();
        Assert.Equal(genomes.Take(3), firstThree.Select(s => s.Genome));
        Thread.Sleep(50);
        Assert.True(slow.Started < 20, $"{slow.Started} of 200 architectures were started for 3 results");

        var failing = new SlowProxy(failOn: genomes[5].Canonical);
        var error = Assert.Throws<ArgumentException>(() => new ProxyRunner([failing], context) { ThrottleLimit = 3 }.Run(genomes).ToList());
        Assert.Contains(genomes[5].Canonical, error.Message);
    }

    [Fact]
    public void AnUnsupportedArchitectureIsReportedNotThrown()
    {
        var nats = SearchSpaces.Get("NatsSize");
        var scored = new ProxyRunner([new LengthProxy()], new ProxyContext { Dataset = Dataset.Cifar10 }).ScoreOne(nats.FromIndex(0));
        Assert.Contains("not defined on NatsSize", scored.Error);
        Assert.Empty(scored.Results);
    }

    [Theory]
    [InlineData("logsynflow", "LogSynflow")]
    [InlineData("sed", "SedScore")]
    [InlineData("my-new_proxy", "MyNewProxy")]
    public void ScorePropertiesHaveReadableNames(string proxy, string property) => Assert.Equal(property, ProxyPropertyNames.For(proxy));

    [Fact]
    public void TheRegistryRefusesADuplicateAndNamesTheKnownProxies()
    {
        Assert.Throws<InvalidOperationException>(() => ZeroCostProxies.Register(new SedProxy()));
        Assert.Contains("sed", Assert.Throws<ArgumentException>(() => ZeroCostProxies.Get("nope")).Message);
    }
}
