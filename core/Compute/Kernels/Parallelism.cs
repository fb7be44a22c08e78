namespace NasPS.Compute.Kernels;

/// <summary>The degree of parallelism kernels use (default: all cores). Results never depend on it.</summary>
public static class Parallelism
{
    private static int _degree = Environment.ProcessorCount;

    public static int Degree
    {
        get => _degree;
        set => _degree = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one thread.");
    }
}
