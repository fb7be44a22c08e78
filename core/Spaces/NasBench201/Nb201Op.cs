namespace NasPS.Spaces.NasBench201;

/// <summary>NAS-Bench-201 edge operations. The numeric values are the benchmark's generation codes (spec §1.4).</summary>
public enum Nb201Op : byte
{
    None = 0,
    SkipConnect = 1,
    Conv1x1 = 2,
    Conv3x3 = 3,
    AvgPool3x3 = 4,
}

public static class Nb201OpNames
{
    /// <summary>Names as they appear in architecture strings, indexed by <see cref="Nb201Op"/>.</summary>
    public static readonly IReadOnlyList<string> Names = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

    public static string Name(this Nb201Op op) => Names[(int)op];
}
