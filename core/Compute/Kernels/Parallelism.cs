namespace NasPS.Compute.Kernels;

/// <summary>The degree of parallelism kernels use (default: all cores). Results never depend on it: work is
/// partitioned over outputs, and every output is computed by the same sequence of operations whichever thread runs it.</summary>
public static class Parallelism
{
    private static int _degree = Environment.ProcessorCount;

    public static int Degree
    {
        get => _degree;
        set => _degree = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one thread.");
    }

    /// <summary>Runs body(0..count-1), on up to <see cref="Degree"/> threads; each index is one independent piece of output.</summary>
    internal static void For(int count, Action<int> body)
    {
        int degree = Math.Min(Degree, count);
        if (degree <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = degree }, body);
    }
}
