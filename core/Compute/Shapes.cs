namespace NasPS.Compute;

/// <summary>Shape arithmetic and checks shared by the ops, with error messages that name the operation.</summary>
public static class Shapes
{
    public static int Length(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape {Format(shape)} has a negative dimension.");
            n *= d;
            if (n > Array.MaxLength) throw new ArgumentException($"Shape {Format(shape)} has too many elements.");
        }
        return (int)n;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Normalises a possibly negative axis.</summary>
    public static int Axis(int dim, int rank)
    {
        int a = dim < 0 ? dim + rank : dim;
        if ((uint)a >= (uint)rank) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Dimension out of range for a tensor of rank {rank}.");
        return a;
    }

    public static bool Equal(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++) if (a[i] != b[i]) return false;
        return true;
    }

    internal static void RequireSame<T>(string op, Tensor<T> a, Tensor<T> b) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!Equal(a.Shape, b.Shape))
            throw new ArgumentException($"{op}: shapes {Format(a.Shape)} and {Format(b.Shape)} differ.");
    }

    internal static void RequireRank<T>(string op, Tensor<T> x, int rank, string layout) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (x.Rank != rank) throw new ArgumentException($"{op}: expected a rank-{rank} input {layout}, got shape {Format(x.Shape)}.");
    }
}
