using NasPS.Search;

namespace NasPS.Analysis;

/// <summary>Where a search stood after one generation (search step).</summary>
/// <param name="BestScore">The best aggregated score among the architectures visited so far.</param>
/// <param name="BestArchitecture">That architecture: the answer had the search stopped here.</param>
/// <param name="AnswerAccuracy">Its benchmark test accuracy, when the history has accuracies.</param>
/// <param name="BestAccuracy">The highest test accuracy among the architectures visited so far (what an oracle would pick).</param>
public sealed record ProgressPoint(int Generation, int Visited, double BestScore, string BestArchitecture, double? AnswerAccuracy, double? BestAccuracy);

/// <summary>
/// A search's history as a per-generation curve. The score is FreeREA's aggregate (<see cref="FreeReaRanking"/>: each
/// metric divided by its largest magnitude, summed) normalised once over the whole history, so values are comparable
/// across generations and the best score never decreases. Metrics a record lacks (a cyclic search's other phase) count
/// as missing, which the aggregate ranks with the metric's worst value.
/// </summary>
public static class SearchProgressSeries
{
    public static IReadOnlyList<ProgressPoint> From(IReadOnlyList<SearchRecord> history)
    {
        if (history.Count == 0) return [];
        // Sorted names: the sum over metrics then has one order, whatever order a (deserialized) dictionary lists them in.
        var metrics = history.SelectMany(r => r.Scores.Keys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var values = history.Select(r => (IReadOnlyList<double>)metrics.Select(m => r.Scores.TryGetValue(m, out var v) ? v : double.NaN).ToArray()).ToList();
        double[] score = FreeReaRanking.Aggregate(values);

        // Records in visit order; a generation's point is taken after its last record.
        var points = new List<ProgressPoint>();
        int best = -1;
        double? bestAccuracy = null;
        var order = Enumerable.Range(0, history.Count).OrderBy(i => history[i].Generation).ThenBy(i => history[i].Order).ToArray();
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            if (best < 0 || score[i] > score[best]) best = i; // ties keep the earlier visit, as the searches do
            if (history[i].TestAccuracy is double a && (bestAccuracy is null || a > bestAccuracy)) bestAccuracy = a;
            bool lastOfGeneration = k + 1 == order.Length || history[order[k + 1]].Generation != history[i].Generation;
            if (lastOfGeneration)
                points.Add(new ProgressPoint(history[i].Generation, k + 1, score[best], history[best].Architecture, history[best].TestAccuracy, bestAccuracy));
        }
        return points;
    }
}
