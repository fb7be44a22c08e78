using System.Globalization;
using System.Text.Json;

namespace NasPS.IO;

/// <summary>How NasPS writes a double as text, the twin of <see cref="CsvTable.Double"/>, which reads these forms back.</summary>
public static class NumberText
{
    /// <summary>"inf", "-inf", "nan" or the shortest round-trip form (invariant culture).</summary>
    public static string Format(double v) => v switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(v) => "nan",
        _ => v.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A JSON property: a number when finite, else its text ("inf", "-inf", "nan"), since JSON has none of those.</summary>
    public static void WriteJson(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteString(name, Format(value));
    }
}
