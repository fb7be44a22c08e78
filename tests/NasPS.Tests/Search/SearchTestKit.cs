using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using Xunit;

namespace NasPS.Tests.Search;

/// <summary>Helpers shared by the search tests.</summary>
internal static class SearchTestKit
{
    /// <summary>Passes calls through, counting them; cancels <paramref name="source"/> on call number <c>CancelOnCall</c>
    /// (1-based) before delegating, as a user pressing Ctrl+C while a batch is being scored.</summary>
    public sealed class CountingScorer(IArchitectureScorer inner, CancellationTokenSource? source = null, int cancelOnCall = 0) : IArchitectureScorer
    {
        public int Calls { get; private set; }
        public IReadOnlyList<string> MetricNames => inner.MetricNames;

        public IReadOnlyList<ArchitectureScore> Score(IReadOnlyList<Genome> genomes, ulong seed, CancellationToken cancellationToken)
        {
            Calls++;
            if (Calls == cancelOnCall) source!.Cancel();
            return inner.Score(genomes, seed, cancellationToken);
        }
    }

    /// <summary>A synchronous progress sink (Progress&lt;T&gt; would post to the thread pool).</summary>
    public sealed class ProgressSink(Action<SearchProgress> onReport) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => onReport(value);
    }

    /// <summary>Asserts two results are the same search: answer, history (order, generations, scores, costs), steps, budget.
    /// Set <paramref name="sameBudgetUsed"/> false for runs charged wall-clock time, whose budget used differs run to run.</summary>
    public static void AssertSameSearch(SearchResult expected, SearchResult actual, bool sameBudgetUsed = true)
    {
        Assert.Equal(expected.Best.Architecture, actual.Best.Architecture);
        Assert.Equal(expected.Steps, actual.Steps);
        if (sameBudgetUsed) Assert.Equal(expected.BudgetUsedMinutes, actual.BudgetUsedMinutes);
        Assert.Equal(expected.StopReason, actual.StopReason);
        Assert.Equal(expected.History.Count, actual.History.Count);
        for (int i = 0; i < expected.History.Count; i++)
        {
            var a = expected.History[i];
            var b = actual.History[i];
            Assert.Equal(a.Architecture, b.Architecture);
            Assert.Equal(a.Generation, b.Generation);
            Assert.Equal(a.Phase, b.Phase);
            Assert.Equal(a.CostSeconds, b.CostSeconds);
            Assert.Equal(a.Scores.ToArray(), b.Scores.ToArray());
        }
    }

    /// <summary>A fresh checkpoint path; in memory-backed /dev/shm where there is one, since every write is flushed to disk.</summary>
    public static string TempPath(string name) =>
        Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"nasps-{name}-{Guid.NewGuid():N}.json");
}
