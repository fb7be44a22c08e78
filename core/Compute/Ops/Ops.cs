using System.Numerics;

namespace NasPS.Compute;

/// <summary>
/// The differentiable operations. Each op computes its forward result and records, in the same place, the
/// function that maps the output gradient to input gradients. Outputs are new tensors in the current scope.
/// The partial files group the ops by kind.
/// </summary>
public static partial class Ops
{
    private static T Cast<T>(double v) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(v);
}
