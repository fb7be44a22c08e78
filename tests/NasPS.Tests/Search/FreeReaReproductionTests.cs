using NasPS.Search;
using NasPS.Search.Scoring;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using NasPS.Tests.Benchmarks;
using Xunit;
using Xunit.Abstractions;

namespace NasPS.Tests.Search;

/// <summary>Spec §5.4: FreeREA on FreeREA's cached NB201 metrics, 30 runs, budget 0.75 min of cached metric time.</summary>
public class FreeReaReproductionTests(ITestOutputHelper output)
{
    public const int Runs = 30;

    [Theory]
    [InlineData(Dataset.Cifar10, 94.36, 200, 220)]
    [InlineData(Dataset.Cifar100, 73.50, 225, 245)]
    [InlineData(Dataset.ImageNet16_120, 46.34, 235, 260)]
    public void ThirtyRunMeanMatchesTheReleasedSearch(Dataset dataset, double targetMean, double minVisited, double maxVisited)
    {
        var scorer = FreeReaMetrics.CachedNb201(Nb201Tables.Cached, dataset);
        var run = new SearchRunOptions { Benchmark = Nb201Tables.Benchmark };
        var accuracies = new List<double>();
        var visited = new List<int>();
        for (int seed = 0; seed < Runs; seed++)
        {
            var options = new FreeReaOptions { Constraints = new SearchConstraints { Dataset = dataset }, Seed = (ulong)seed };
            var result = FreeRea.Run(NasBench201Space.Instance, scorer, options, run);
            accuracies.Add(result.Best.TestAccuracy!.Value);
            visited.Add(result.History.Count);
            Assert.Equal("budget", result.StopReason);
            Assert.True(result.BudgetUsedMinutes > options.BudgetMinutes);
        }
        double mean = accuracies.Average();
        double std = Math.Sqrt(accuracies.Select(a => (a - mean) * (a - mean)).Average());
        output.WriteLine($"{dataset}: mean {mean:F3} ± {std:F3} (target {targetMean}), visited {visited.Average():F1} [{visited.Min()}–{visited.Max()}]");
        Assert.InRange(mean, targetMean - 0.05, targetMean + 0.05);
        Assert.InRange(visited.Average(), minVisited, maxVisited);
    }
}
