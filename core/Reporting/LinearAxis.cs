using System.Globalization;

namespace NasPS.Reporting;

/// <summary>A linear axis over a data range, widened to "nice" tick steps (1, 2 or 5 × 10ⁿ), about five ticks.</summary>
internal sealed class LinearAxis
{
    private LinearAxis(double min, double max, double step)
    {
        (Min, Max, Step) = (min, max, step);
    }

    public double Min { get; }
    public double Max { get; }
    public double Step { get; }

    /// <summary>The axis for the finite values given; an empty set gives 0..1, a single value a range around it.</summary>
    public static LinearAxis Fit(IEnumerable<double> values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) continue;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        if (lo > hi) (lo, hi) = (0, 1);
        if (lo == hi)
        {
            double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            (lo, hi) = (lo - pad, hi + pad);
        }
        double raw = (hi - lo) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * magnitude).First(s => s >= raw * (1 - 1e-9));
        return new LinearAxis(Math.Floor(lo / step + 1e-9) * step, Math.Ceiling(hi / step - 1e-9) * step, step);
    }

    public IEnumerable<double> Ticks()
    {
        int count = (int)Math.Round((Max - Min) / Step);
        for (int i = 0; i <= count; i++) yield return Min + i * Step;
    }

    /// <summary>Maps a value to pixels: Min to <paramref name="from"/>, Max to <paramref name="to"/>.</summary>
    public double Map(double v, double from, double to) => from + (v - Min) / (Max - Min) * (to - from);

    /// <summary>A tick label: the step's decimals, with k/M suffixes for large magnitudes (parameter and FLOP counts).</summary>
    public string Label(double v)
    {
        double scale = 1;
        string suffix = "";
        double magnitude = Math.Max(Math.Abs(Min), Math.Abs(Max));
        if (magnitude >= 1e9) (scale, suffix) = (1e9, "G");
        else if (magnitude >= 1e6) (scale, suffix) = (1e6, "M");
        else if (magnitude >= 1e4) (scale, suffix) = (1e3, "k");
        double step = Step / scale;
        int decimals = Math.Clamp((int)-Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        double value = Math.Round(v / scale, decimals);
        if (value == 0) value = 0; // no "-0"
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture) + suffix;
    }
}
