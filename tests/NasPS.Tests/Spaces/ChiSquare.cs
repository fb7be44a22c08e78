namespace NasPS.Tests.Spaces;

/// <summary>Pearson's chi-square statistic for the statistical tests of samplers and operators.</summary>
internal static class ChiSquare
{
    /// <summary>Σ (observed − expected)² / expected, with expected = total · probability of each bin.</summary>
    public static double Statistic(IReadOnlyList<long> observed, IReadOnlyList<double> probabilities)
    {
        if (observed.Count != probabilities.Count) throw new ArgumentException("One probability per bin.");
        double total = observed.Sum();
        double statistic = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            double expected = total * probabilities[i];
            statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        return statistic;
    }

    /// <summary>Upper critical values at p = 1e-6 by degrees of freedom, so a correct sampler fails about once in a
    /// million runs while a biased one (a few percent off on 10⁴+ samples per bin) fails every time.</summary>
    public static double Critical(int degreesOfFreedom) => degreesOfFreedom switch
    {
        1 => 23.93,
        2 => 27.63,
        3 => 30.66,
        4 => 33.38,
        6 => 38.26,
        7 => 40.52,
        49 => 111.14,
        _ => throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "No tabulated value."),
    };
}
