namespace NasPS.Proxies.Entropic;

/// <summary>
/// Ranking functions that combine the entropic score (topology) with LogSynflow (size) over a set of architectures, for
/// searches that rank a population (docs/entropic-score.md, "Combination with LogSynflow"). Both normalise over the set,
/// so a value means something only relative to the other members of the same set. Higher is better.
/// </summary>
public static class EntropicCombination
{
    /// <summary>FreeREA's rule: each score divided by its largest absolute value in the set, then summed.</summary>
    /// <exception cref="ArgumentException">Lengths differ, the set is empty, a value is not finite, or a column is all zero.</exception>
    public static double[] MaxAbsNormalisedSum(IReadOnlyList<double> entropic, IReadOnlyList<double> logSynflow)
    {
        Check(entropic, logSynflow);
        double e = MaxAbs(entropic, nameof(entropic)), l = MaxAbs(logSynflow, nameof(logSynflow));
        var combined = new double[entropic.Count];
        for (int i = 0; i < combined.Length; i++) combined[i] = entropic[i] / e + logSynflow[i] / l;
        return combined;
    }

    /// <summary>Sum of the two average ranks (1 = lowest; ties share their mean rank): scale-free, robust to outliers.</summary>
    public static double[] RankSum(IReadOnlyList<double> entropic, IReadOnlyList<double> logSynflow)
    {
        Check(entropic, logSynflow);
        var e = Analysis.RankCorrelation.AverageRanks(entropic.ToArray());
        var l = Analysis.RankCorrelation.AverageRanks(logSynflow.ToArray());
        var combined = new double[e.Length];
        for (int i = 0; i < combined.Length; i++) combined[i] = e[i] + l[i];
        return combined;
    }

    private static void Check(IReadOnlyList<double> entropic, IReadOnlyList<double> logSynflow)
    {
        ArgumentNullException.ThrowIfNull(entropic);
        ArgumentNullException.ThrowIfNull(logSynflow);
        if (entropic.Count != logSynflow.Count)
            throw new ArgumentException($"{entropic.Count} entropic scores but {logSynflow.Count} LogSynflow scores.");
        if (entropic.Count == 0) throw new ArgumentException("The set to rank is empty.");
        foreach (var column in new[] { entropic, logSynflow })
            foreach (double v in column)
                if (!double.IsFinite(v)) throw new ArgumentException($"A score is not finite ({v}); replace it by a stated rule before combining.");
    }

    private static double MaxAbs(IReadOnlyList<double> values, string name)
    {
        double max = values.Max(Math.Abs);
        return max > 0 ? max : throw new ArgumentException($"Every {name} score is 0: max-|x| normalisation is undefined.", name);
    }
}
