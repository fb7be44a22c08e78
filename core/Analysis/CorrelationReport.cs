namespace NasPS.Analysis;

/// <summary>How well one score ranks architectures against a ground truth.</summary>
public sealed record ProxyCorrelation(string Proxy, string Target, int Count, double Spearman, double KendallTauB, int TopK, double TopKOverlap);

public static class CorrelationReport
{
    /// <summary>Spearman ρ, Kendall τ-b and top-k overlap of <paramref name="scores"/> against <paramref name="truth"/>, with
    /// <see cref="RankCorrelation"/>'s conventions (NaN pairs left out, ±∞ ranked as extremes); k is capped at the pair count.</summary>
    public static ProxyCorrelation Compute(string proxy, IReadOnlyList<double> scores, string target, IReadOnlyList<double> truth, int topK = 10)
    {
        if (scores.Count != truth.Count)
            throw new ArgumentException($"{scores.Count} scores of {proxy} but {truth.Count} values of {target}: they must pair up.");
        double[] x = [.. scores], y = [.. truth];
        var agreement = RankCorrelation.Compare(x, y);
        if (agreement.Pairs < 2) throw new ArgumentException($"{proxy} vs {target}: fewer than two architectures have both values.");
        int k = Math.Clamp(topK, 1, agreement.Pairs);
        return new ProxyCorrelation(proxy, target, agreement.Pairs, agreement.Spearman, agreement.KendallTauB, k, RankCorrelation.TopKOverlap(x, y, k));
    }
}
