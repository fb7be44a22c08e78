namespace NasPS.Search;

/// <summary>
/// FreeREA's score (<c>nas_utils.py</c>, <c>return_top_k</c>): over the set being ranked, each metric is divided by
/// (its largest absolute value + 1e-9), the quotients are summed over the metrics, and candidates are sorted by the
/// sum, highest first, ties keeping list order. The score is relative to the set, so the same architecture can
/// score differently in a tournament, a population and the history.
/// <para>Non-finite values (project rule, §7.4): within the set, a NaN or ±inf of a metric counts as that metric's
/// smallest finite value in the set (FreeREA's cache rule applied to the set), so it ranks with the worst and cannot
/// poison the normalisation; a metric with no finite value in the set contributes 0.</para>
/// </summary>
public static class FreeReaRanking
{
    public const double Epsilon = 1e-9;

    /// <summary>The aggregated score of each candidate; <paramref name="values"/>[i] are candidate i's metric values.</summary>
    public static double[] Aggregate(IReadOnlyList<IReadOnlyList<double>> values)
    {
        var scores = new double[values.Count];
        if (values.Count == 0) return scores;
        int metrics = values[0].Count;
        for (int m = 0; m < metrics; m++)
        {
            double minFinite = double.PositiveInfinity, maxAbs = 0;
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i].Count != metrics)
                    throw new ArgumentException($"Candidate {i} has {values[i].Count} metric values, expected {metrics}.", nameof(values));
                double v = values[i][m];
                if (!double.IsFinite(v)) continue;
                if (v < minFinite) minFinite = v;
                if (Math.Abs(v) > maxAbs) maxAbs = Math.Abs(v);
            }
            if (double.IsPositiveInfinity(minFinite)) continue;
            double scale = maxAbs + Epsilon;
            for (int i = 0; i < values.Count; i++)
            {
                double v = values[i][m];
                scores[i] += (double.IsFinite(v) ? v : minFinite) / scale;
            }
        }
        return scores;
    }

    /// <summary>Positions of the candidates, best first (stable: equal scores keep list order).</summary>
    public static int[] OrderBestFirst(IReadOnlyList<IReadOnlyList<double>> values)
    {
        double[] scores = Aggregate(values);
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
    }
}
