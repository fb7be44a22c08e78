namespace NasPS.Analysis;

/// <summary>Whether larger or smaller values of an objective are better.</summary>
public enum OptimizationDirection
{
    Maximize,
    Minimize,
}

/// <summary>
/// The non-dominated points of a two-objective set (e.g. test accuracy, maximised, against parameters, minimised).
/// Conventions:
/// <list type="bullet">
/// <item>A point dominates another when it is at least as good in both objectives and strictly better in one.</item>
/// <item>Ties: points with identical values in both objectives do not dominate each other, so duplicates on the front are all kept.</item>
/// <item>Non-finite values: a point whose X or Y is NaN or ±∞ takes no part (it is neither on the front nor dominates
/// anything): NaN has no value, and an infinite proxy score (a degenerate network) is no trade-off anyone can use. Callers
/// report how many were left out (<see cref="ParetoSelection.NonFinite"/>).</item>
/// </list>
/// </summary>
public static class ParetoFront
{
    /// <summary>The front of the points (x[i], y[i]) in O(n log n): positions in ascending order, plus the non-finite count.</summary>
    public static ParetoSelection Select(IReadOnlyList<double> x, OptimizationDirection xDirection, IReadOnlyList<double> y, OptimizationDirection yDirection)
    {
        if (x.Count != y.Count)
            throw new ArgumentException($"{x.Count} X values but {y.Count} Y values: the points must pair up.");
        // Flip signs so that larger is better in both objectives.
        double sx = xDirection == OptimizationDirection.Maximize ? 1 : -1, sy = yDirection == OptimizationDirection.Maximize ? 1 : -1;
        var finite = new List<int>(x.Count);
        for (int i = 0; i < x.Count; i++)
            if (double.IsFinite(x[i]) && double.IsFinite(y[i])) finite.Add(i);

        // Best X first; within equal X, best Y first.
        var order = finite.ToArray();
        Array.Sort(order, (p, q) =>
        {
            int c = (sx * x[q]).CompareTo(sx * x[p]);
            return c != 0 ? c : (sy * y[q]).CompareTo(sy * y[p]);
        });
        var front = new List<int>();
        double bestYOfBetterX = double.NegativeInfinity;
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && x[order[end]] == x[order[start]]) end++;
            // Within a run of equal X only the best Y can be undominated, and only if it beats every point with a better X.
            double groupBest = sy * y[order[start]];
            if (groupBest > bestYOfBetterX)
            {
                for (int k = start; k < end && sy * y[order[k]] == groupBest; k++) front.Add(order[k]);
                bestYOfBetterX = groupBest;
            }
            start = end;
        }
        front.Sort();
        return new ParetoSelection(front, x.Count - finite.Count);
    }
}

/// <param name="Front">Positions of the non-dominated points, ascending.</param>
/// <param name="NonFinite">Points left out because X or Y was NaN or infinite.</param>
public sealed record ParetoSelection(IReadOnlyList<int> Front, int NonFinite);
