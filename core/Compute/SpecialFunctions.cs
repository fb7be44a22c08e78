namespace NasPS.Compute;

/// <summary>Special functions .NET lacks, in double precision (used by GELU).</summary>
public static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double InvSqrt2 = 0.70710678118654752;
    private const double InvSqrt2Pi = 0.39894228040143268;

    /// <summary>erf(x) to ~1e-15 relative. For |x| &lt; 6 it sums the series
    /// erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)), whose terms are all positive (no cancellation);
    /// beyond 6, erf is ±1 in double precision.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a >= 6) return Math.CopySign(1.0, x);
        double term = a, sum = a, x2 = a * a;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return Math.CopySign(TwoOverSqrtPi * Math.Exp(-x2) * sum, x);
    }

    /// <summary>Φ(x), the standard normal distribution function.</summary>
    public static double NormalCdf(double x) => 0.5 * (1 + Erf(x * InvSqrt2));

    /// <summary>φ(x), the standard normal density.</summary>
    public static double NormalPdf(double x) => InvSqrt2Pi * Math.Exp(-0.5 * x * x);
}
