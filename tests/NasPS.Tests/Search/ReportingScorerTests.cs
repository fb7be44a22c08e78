using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;

namespace NasPS.Tests.Search;

/// <summary>The innermost progress level: a scorer that reports how far it is through each batch and changes nothing else.</summary>
public class ReportingScorerTests
{
    private sealed class Recorder : IProgress<ScoringProgress>
    {
        public List<ScoringProgress> Reports { get; } = [];
        public void Report(ScoringProgress value) => Reports.Add(value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(200)]
    public void ScoresAreTheInnerScorersAndEveryChunkIsReported(int chunk)
    {
        var inner = FreeReaMetrics.CachedNb201(Nb201Tables.Cached, Dataset.Cifar10);
        var genomes = Enumerable.Range(0, 10).Select(i => NasBench201Space.Instance.FromIndex(i * 1000 + 7)).ToList();
        var recorder = new Recorder();
        var reported = new ReportingScorer(inner, chunk, recorder).Score(genomes, 5, CancellationToken.None);
        var direct = inner.Score(genomes, 5, CancellationToken.None);
        Assert.Equal(direct.Select(s => s.Values.ToArray()), reported.Select(s => s.Values.ToArray()));
        Assert.Equal(direct.Select(s => s.CostSeconds), reported.Select(s => s.CostSeconds));
        int expectedReports = (genomes.Count + chunk - 1) / chunk;
        Assert.Equal(expectedReports, recorder.Reports.Count);
        Assert.All(recorder.Reports, r => Assert.Equal(genomes.Count, r.Total));
        Assert.Equal(Enumerable.Range(1, expectedReports).Select(k => Math.Min(k * chunk, genomes.Count)), recorder.Reports.Select(r => r.Scored));
    }

    [Fact]
    public void ALiveSearchWithScoringProgressFindsWhatItFindsWithout()
    {
        // Closed-form live proxies keep this fast; the launcher wraps live scorers only when progress is asked for.
        var request = new SearchRequest
        {
            Method = SearchMethod.FreeRea, Space = NasBench201Space.Instance, Seed = 3, Proxies = ["params", "skip"], MaxEvaluations = 150,
        };
        var recorder = new Recorder();
        var plain = SearchLauncher.Run(request);
        var reported = SearchLauncher.Run(request with { ScoringProgress = recorder });
        Assert.Equal(plain.History.Select(v => v.Architecture), reported.History.Select(v => v.Architecture));
        Assert.Equal(plain.Best.Architecture, reported.Best.Architecture);
        // The initial population (100) is one batch: its reports count up to 100.
        Assert.Contains(new ScoringProgress(100, 100), recorder.Reports);
        Assert.Equal(Enumerable.Range(1, 100), recorder.Reports.TakeWhile(r => r.Total == 100).Select(r => r.Scored));
    }

    [Fact]
    public void TheChunkMustBePositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportingScorer(FreeReaMetrics.Skip, 0, new Recorder()));
}
