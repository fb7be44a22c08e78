using System.Numerics;
using NasPS.Compute.Kernels;

namespace NasPS.Compute;

/// <summary>
/// The differentiable operations. Each op computes its forward result and records, in the same place, the
/// function that maps the output gradient to input gradients. Outputs are new tensors in the current scope.
/// The partial files group the ops by kind.
/// </summary>
public static partial class Ops
{
    /// <summary>Runs <paramref name="body"/> for 0..count-1 on up to <see cref="Parallelism.Degree"/> threads.
    /// Callers give each index its own output, so results never depend on the thread count.</summary>
    internal static void ParallelFor(int count, Action<int> body)
    {
        int degree = Math.Min(Parallelism.Degree, count);
        if (degree <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = degree }, body);
    }

    private static T Cast<T>(double v) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(v);
}
