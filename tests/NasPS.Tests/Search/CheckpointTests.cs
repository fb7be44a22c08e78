using NasPS.Randomness;
using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;
using static NasPS.Tests.Search.SearchTestKit;

namespace NasPS.Tests.Search;

public class CheckpointTests
{
    private static readonly NasBench201Space Space = NasBench201Space.Instance;
    private static readonly FreeReaOptions Options = new() { Constraints = new SearchConstraints { Dataset = Dataset.Cifar100 }, Seed = 11 };
    private static IArchitectureScorer Scorer => FreeReaMetrics.CachedNb201(Nb201Tables.Cached, Dataset.Cifar100);

    [Fact]
    public void CancelledAndResumedRunsEndExactlyLikeTheUninterruptedRun()
    {
        var counter = new CountingScorer(Scorer);
        var reference = FreeRea.Run(Space, counter, Options);
        int totalCalls = counter.Calls;
        Assert.True(totalCalls > 50);

        var rng = new Rng(2024);
        for (int point = 0; point < 20; point++)
        {
            int cancelOnCall = 1 + rng.NextInt(totalCalls);
            string path = TempPath("freerea-cancel");
            using var source = new CancellationTokenSource();
            var run = new SearchRunOptions { CheckpointPath = path, CheckpointEverySteps = 8 + point % 4 };
            Assert.ThrowsAny<OperationCanceledException>(() => FreeRea.Run(Space, new CountingScorer(Scorer, source, cancelOnCall), Options, run, source.Token));
            Assert.True(File.Exists(path), $"no checkpoint after cancelling on scorer call {cancelOnCall}");
            Assert.False(File.Exists(path + ".tmp"));
            // Every fourth point is interrupted a second time while resuming.
            if (point % 4 == 3)
            {
                using var again = new CancellationTokenSource();
                Assert.ThrowsAny<OperationCanceledException>(() => FreeRea.Resume(path, Space, new CountingScorer(Scorer, again, 2), Options, run, again.Token));
            }
            var resumed = FreeRea.Resume(path, Space, Scorer, Options, run);
            AssertSameSearch(reference, resumed);
            File.Delete(path);
        }
    }

    [Fact]
    public void ResumingFromAPeriodicCheckpointAfterAKillEndsLikeTheUninterruptedRun()
    {
        var reference = FreeRea.Run(Space, Scorer, Options);
        string path = TempPath("freerea-periodic");
        var copies = new Dictionary<int, string>();
        int[] killAfter = [1, 2, 5, reference.Steps - 1];
        var progress = new ProgressSink(p =>
        {
            // A kill right after step k leaves exactly the checkpoint written at the end of step k.
            if (killAfter.Contains(p.Generation)) File.Copy(path, copies[p.Generation] = path + $".{p.Generation}", overwrite: true);
        });
        var full = FreeRea.Run(Space, Scorer, Options, new SearchRunOptions { CheckpointPath = path, CheckpointEverySteps = 1, Progress = progress });
        AssertSameSearch(reference, full);
        Assert.Equal(killAfter.Length, copies.Count);
        foreach (var copy in copies.Values) AssertSameSearch(reference, FreeRea.Resume(copy, Space, Scorer, Options));
        // The final checkpoint resumes to the finished result without further steps.
        AssertSameSearch(reference, FreeRea.Resume(path, Space, Scorer, Options));
        foreach (var file in copies.Values.Append(path)) File.Delete(file);
    }

    [Fact]
    public void ResumeRefusesADifferentConfigurationNamingTheField()
    {
        string path = TempPath("freerea-config");
        FreeRea.Run(Space, Scorer, Options with { MaxSteps = 2 }, new SearchRunOptions { CheckpointPath = path });
        var ex = Assert.Throws<InvalidOperationException>(() => FreeRea.Resume(path, Space, Scorer, Options with { MaxSteps = 2, PopulationSize = 50 }));
        Assert.Contains("populationSize", ex.Message);
        Assert.Contains("100", ex.Message);
        Assert.Contains("50", ex.Message);
        var seed = Assert.Throws<InvalidOperationException>(() => FreeRea.Resume(path, Space, Scorer, Options with { MaxSteps = 2, Seed = 12 }));
        Assert.Contains("seed", seed.Message);
        var metrics = Assert.Throws<InvalidOperationException>(() =>
            FreeRea.Resume(path, Space, FreeReaMetrics.Skip, Options with { MaxSteps = 2 }));
        Assert.Contains("metrics", metrics.Message);
        File.Delete(path);
    }

    [Fact]
    public void AFileThatIsNotACheckpointIsRejectedClearly()
    {
        string path = TempPath("not-a-checkpoint");
        File.WriteAllText(path, "{ \"format\": \"something else\", \"version\": 1, \"algorithm\": \"FreeREA\" }");
        var ex = Assert.Throws<InvalidDataException>(() => FreeRea.Resume(path, Space, Scorer, Options));
        Assert.Contains("not a NasPS search checkpoint", ex.Message);
        File.WriteAllText(path, "{ broken");
        Assert.Throws<InvalidDataException>(() => FreeRea.Resume(path, Space, Scorer, Options));
        File.Delete(path);
    }
}
