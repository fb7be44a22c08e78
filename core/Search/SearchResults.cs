using NasPS.Benchmarks;
using NasPS.Spaces;

namespace NasPS.Search;

/// <summary>One scored architecture as a search engine holds it, before it becomes a <see cref="SearchRecord"/>.</summary>
internal sealed record SearchVisit(Genome Genome, IReadOnlyList<string> MetricNames, IReadOnlyList<double> Values, double CostSeconds, int Generation, string? Phase);

/// <summary>Turns an engine's visits into the flat result every search returns.</summary>
internal static class SearchResults
{
    public static SearchResult Build(string algorithm, ISearchSpace space, Dataset dataset, ulong seed, BenchmarkTable? benchmark,
        IReadOnlyList<SearchVisit> visits, int best, int steps, string stopReason, TimeSpan elapsed, double budgetUsedMinutes)
    {
        var records = new SearchRecord[visits.Count];
        double cost = 0;
        for (int i = 0; i < visits.Count; i++)
        {
            var v = visits[i];
            cost += v.CostSeconds;
            var scores = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            for (int m = 0; m < v.MetricNames.Count; m++) scores[v.MetricNames[m]] = v.Values[m];
            records[i] = new SearchRecord
            {
                Order = i,
                Architecture = v.Genome.Canonical,
                Index = space.IndexOf(v.Genome),
                Hash = v.Genome.Hash,
                Generation = v.Generation,
                Phase = v.Phase,
                Parameters = space.CountParameters(v.Genome, dataset),
                Flops = space.CountFlops(v.Genome, dataset),
                Scores = scores,
                CostSeconds = v.CostSeconds,
                TestAccuracy = benchmark?.TestAccuracy(v.Genome.Canonical, dataset),
            };
        }
        return new SearchResult
        {
            Algorithm = algorithm,
            Space = space.Name,
            Dataset = dataset.ShortName(),
            Seed = seed,
            BestGenome = visits[best].Genome,
            Best = records[best],
            History = records,
            Steps = steps,
            ProxyCostSeconds = cost,
            Elapsed = elapsed,
            BudgetUsedMinutes = budgetUsedMinutes,
            StopReason = stopReason,
        };
    }
}
