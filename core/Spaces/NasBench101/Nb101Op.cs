namespace NasPS.Spaces.NasBench101;

/// <summary>NAS-Bench-101 interior vertex operations. The numeric values are the benchmark's label indices
/// (<c>available_ops</c> order), which its graph hash uses.</summary>
public enum Nb101Op : byte
{
    Conv3x3 = 0,
    Conv1x1 = 1,
    MaxPool3x3 = 2,
}

public static class Nb101OpNames
{
    /// <summary>Names as the benchmark writes them, indexed by <see cref="Nb101Op"/>.</summary>
    public static readonly IReadOnlyList<string> Names = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"];

    public const string Input = "input";
    public const string Output = "output";

    public static string Name(this Nb101Op op) => Names[(int)op];

    public static bool TryParse(string name, out Nb101Op op)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                op = (Nb101Op)i;
                return true;
            }
        }
        op = default;
        return false;
    }
}
