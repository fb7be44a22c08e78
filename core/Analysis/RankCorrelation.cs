namespace NasPS.Analysis;

/// <summary>Spearman ρ, Kendall τ-b and their pair count for one score vector against a target.</summary>
/// <param name="Pairs">Pairs used: positions where neither value is NaN.</param>
public readonly record struct RankAgreement(int Pairs, double Spearman, double KendallTauB);

/// <summary>
/// Rank statistics between two equally long vectors (a proxy score and a benchmark accuracy, say).
/// Conventions, the same for every method here:
/// <list type="bullet">
/// <item>A position where either value is NaN is left out (pairwise deletion); NaN means "no value".</item>
/// <item>−∞ and +∞ are ordinary extreme values: they rank below / above every finite value and tie with each other.</item>
/// <item>Ties get their average rank (Spearman) or are corrected for (Kendall τ-b).</item>
/// <item>A statistic that is undefined (fewer than two pairs, or one side constant) is NaN.</item>
/// </list>
/// </summary>
public static class RankCorrelation
{
    public static RankAgreement Compare(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (a, b) = CompletePairs(x, y);
        return new RankAgreement(a.Length, SpearmanOfComplete(a, b), KendallTauBOfComplete(a, b));
    }

    /// <summary>Spearman's ρ: the Pearson correlation of the average ranks.</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (a, b) = CompletePairs(x, y);
        return SpearmanOfComplete(a, b);
    }

    /// <summary>Kendall's τ-b, tie-corrected, in O(n log n) (Knight 1966: sort by x, count the exchanges
    /// a merge sort by y needs).</summary>
    public static double KendallTauB(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (a, b) = CompletePairs(x, y);
        return KendallTauBOfComplete(a, b);
    }

    /// <summary>
    /// Fraction of the <paramref name="k"/> highest-scoring positions that are also among the k best by
    /// <paramref name="truth"/> (|top-k(score) ∩ top-k(truth)| / k), over the pairs without NaN. Ties at
    /// the cut are broken by position, earlier first, so the result is deterministic.
    /// </summary>
    public static double TopKOverlap(ReadOnlySpan<double> score, ReadOnlySpan<double> truth, int k)
    {
        var (s, t) = CompletePairs(score, truth);
        if (k < 1 || k > s.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the number of pairs without NaN ({s.Length}).");
        var inTruthTop = new bool[s.Length];
        foreach (int i in TopIndices(t, k)) inTruthTop[i] = true;
        int shared = 0;
        foreach (int i in TopIndices(s, k))
            if (inTruthTop[i]) shared++;
        return (double)shared / k;
    }

    /// <summary>1-based ranks, ascending, ties sharing their average rank.</summary>
    /// <exception cref="ArgumentException">A value is NaN (it has no rank).</exception>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var sorted = values.ToArray();
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(sorted[i])) throw new ArgumentException($"Value {i} is NaN and has no rank.", nameof(values));
            order[i] = i;
        }
        Array.Sort(sorted, order);
        var ranks = new double[n];
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && sorted[end] == sorted[start]) end++;
            double average = (start + 1 + end) / 2.0; // mean of the 1-based ranks start+1 .. end
            for (int k = start; k < end; k++) ranks[order[k]] = average;
            start = end;
        }
        return ranks;
    }

    private static (double[] X, double[] Y) CompletePairs(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"The two vectors differ in length ({x.Length} and {y.Length}); rank statistics need paired values.");
        int n = 0;
        for (int i = 0; i < x.Length; i++)
            if (!double.IsNaN(x[i]) && !double.IsNaN(y[i])) n++;
        var a = new double[n];
        var b = new double[n];
        for (int i = 0, j = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i]) || double.IsNaN(y[i])) continue;
            a[j] = x[i];
            b[j] = y[i];
            j++;
        }
        return (a, b);
    }

    private static double SpearmanOfComplete(double[] x, double[] y) =>
        x.Length < 2 ? double.NaN : Pearson(AverageRanks(x), AverageRanks(y));

    private static double Pearson(double[] x, double[] y)
    {
        int n = x.Length;
        double meanX = 0, meanY = 0;
        for (int i = 0; i < n; i++) { meanX += x[i]; meanY += y[i]; }
        meanX /= n;
        meanY /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    private static double KendallTauBOfComplete(double[] x, double[] y)
    {
        int n = x.Length;
        if (n < 2) return double.NaN;

        // Sort by x, then y: within a run of equal x the y values ascend, so the merge sort below counts
        // no exchange for a pair tied in x, and (merging stably) none for a pair tied in y.
        var pairs = new (double X, double Y)[n];
        for (int i = 0; i < n; i++) pairs[i] = (x[i], y[i]);
        Array.Sort(pairs, static (p, q) =>
        {
            int c = p.X.CompareTo(q.X);
            return c != 0 ? c : p.Y.CompareTo(q.Y);
        });

        long tiedX = 0, tiedBoth = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && pairs[end].X == pairs[start].X) end++;
            tiedX += TiedPairs(end - start);
            for (int s = start; s < end;)
            {
                int e = s + 1;
                while (e < end && pairs[e].Y == pairs[s].Y) e++;
                tiedBoth += TiedPairs(e - s);
                s = e;
            }
            start = end;
        }

        var ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = pairs[i].Y;
        long discordant = MergeSortCountingExchanges(ys);

        long tiedY = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && ys[end] == ys[start]) end++;
            tiedY += TiedPairs(end - start);
            start = end;
        }

        long all = TiedPairs(n);
        // concordant − discordant = (pairs tied in neither) − 2·discordant, and
        // pairs tied in neither = all − tiedX − tiedY + tiedBoth.
        double difference = all - tiedX - tiedY + tiedBoth - 2.0 * discordant;
        double denominator = Math.Sqrt((double)(all - tiedX) * (all - tiedY));
        return denominator == 0 ? double.NaN : difference / denominator;
    }

    private static long TiedPairs(int count) => (long)count * (count - 1) / 2;

    /// <summary>Sorts ascending (bottom-up merge sort) and returns the number of strictly inverted pairs.</summary>
    private static long MergeSortCountingExchanges(double[] values)
    {
        int n = values.Length;
        var source = values;
        var target = new double[n];
        long exchanges = 0;
        for (int width = 1; width < n; width *= 2)
        {
            for (int lo = 0; lo < n; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                {
                    if (source[i] <= source[j]) target[k++] = source[i++];
                    else
                    {
                        exchanges += mid - i; // source[j] jumps over every remaining left element
                        target[k++] = source[j++];
                    }
                }
                while (i < mid) target[k++] = source[i++];
                while (j < hi) target[k++] = source[j++];
            }
            (source, target) = (target, source);
        }
        if (!ReferenceEquals(source, values)) Array.Copy(source, values, n);
        return exchanges;
    }

    /// <summary>Indices of the k largest values, ties broken by lower index.</summary>
    private static int[] TopIndices(double[] values, int k)
    {
        var order = new int[values.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (p, q) =>
        {
            int c = values[q].CompareTo(values[p]);
            return c != 0 ? c : p.CompareTo(q);
        });
        return order[..k];
    }
}
