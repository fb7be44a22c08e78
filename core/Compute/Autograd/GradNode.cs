using System.Numerics;

namespace NasPS.Compute.Autograd;

/// <summary>
/// One recorded operation: its inputs and the function that maps ∂L/∂output to ∂L/∂input for each input
/// (null where an input needs no gradient). A backward function returns fresh tensors or views of the
/// output gradient, never a tensor it saved from the forward pass.
/// </summary>
internal sealed class GradNode<T>(string opName, Tensor<T>[] inputs, Func<Tensor<T>, Tensor<T>?[]> backward)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public string OpName { get; } = opName;
    public Tensor<T>[] Inputs { get; } = inputs;
    public Func<Tensor<T>, Tensor<T>?[]> Backward { get; } = backward;
}

/// <summary>Connects an op's output to the graph.</summary>
internal static class Graph
{
    /// <summary>True when an op on these inputs must record a node.</summary>
    public static bool NeedsGrad<T>(params ReadOnlySpan<Tensor<T>?> inputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var x in inputs) if (x is { RequiresGrad: true }) return true;
        return false;
    }

    /// <summary>Records <paramref name="output"/> as the result of <paramref name="opName"/> when any input requires grad.</summary>
    public static Tensor<T> Record<T>(Tensor<T> output, string opName, Tensor<T>[] inputs, Func<Tensor<T>, Tensor<T>?[]> backward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!NeedsGrad<T>(inputs)) return output;
        output.Node = new GradNode<T>(opName, inputs, backward);
        output.MarkRequiresGrad();
        return output;
    }
}
