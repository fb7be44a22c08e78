using System.Numerics;
using System.Numerics.Tensors;

namespace NasPS.Compute.Autograd;

/// <summary>
/// Reverse-mode differentiation: orders the recorded nodes so that each runs after every consumer of its
/// output, then walks them once. Intermediate gradients return to the pool as soon as their node has run,
/// so the peak is the forward activations plus a few gradients. The graph is kept (a second Backward works).
/// </summary>
internal static class BackwardEngine
{
    public static void Run<T>(Tensor<T> root, Tensor<T>? gradOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: {root} does not require grad (no parameter or input on its path requires it, or it was computed under NoGrad).");
        Tensor<T> seed;
        if (gradOutput is null)
        {
            if (root.Length != 1) throw new InvalidOperationException($"Backward without a gradient needs a scalar output; {root} has {root.Length} elements.");
            seed = Tensors.Ones<T>(root.ShapeArray);
        }
        else
        {
            if (!Shapes.Equal(gradOutput.Shape, root.Shape))
                throw new ArgumentException($"Backward: the output gradient has shape {Shapes.Format(gradOutput.Shape)}, the output {Shapes.Format(root.Shape)}.");
            seed = Tensors.Clone(gradOutput);
        }

        if (root.IsLeaf)
        {
            Accumulate(root, seed);
            seed.Dispose();
            return;
        }

        var pending = new Dictionary<Tensor<T>, Tensor<T>>(ReferenceEqualityComparer.Instance);
        pending[root] = seed;
        foreach (var t in TopologicalOrder(root))
        {
            if (!pending.Remove(t, out var g)) continue;
            if (t.RetainsGrad) Accumulate(t, g);
            var node = t.Node!;
            var grads = node.Backward(g);
            if (grads.Length != node.Inputs.Length) throw new InvalidOperationException($"Internal error: {node.OpName} backward returned {grads.Length} gradients for {node.Inputs.Length} inputs.");
            bool outputGradAdopted = false;
            for (int i = 0; i < grads.Length; i++)
            {
                var gi = grads[i];
                var input = node.Inputs[i];
                if (gi is null || !input.RequiresGrad) continue;
                if (!Shapes.Equal(gi.Shape, input.Shape))
                    throw new InvalidOperationException($"Internal error: {node.OpName} backward gave a gradient of shape {Shapes.Format(gi.Shape)} for an input of shape {Shapes.Format(input.Shape)}.");
                bool sharesOutputGrad = ReferenceEquals(gi.Storage, g.Storage);
                if (input.IsLeaf)
                {
                    Accumulate(input, gi);
                    if (!sharesOutputGrad) gi.Dispose();
                }
                else if (pending.TryGetValue(input, out var acc))
                {
                    if (ReferenceEquals(acc.Storage, g.Storage))
                    {
                        // acc is this node's output gradient, taken over by the same input earlier in this loop (x + x + x,
                        // or x + x + y): the inputs after it still read that gradient, so the sum goes into a copy.
                        acc = pending[input] = Tensors.Clone(acc);
                        outputGradAdopted = false;
                    }
                    TensorPrimitives.Add(acc.ReadOnlySpan, gi.ReadOnlySpan, acc.Span);
                    if (!sharesOutputGrad) gi.Dispose();
                }
                else if (!sharesOutputGrad || !outputGradAdopted)
                {
                    // Take the buffer over instead of copying it; the output gradient can be taken once.
                    pending[input] = gi;
                    if (sharesOutputGrad) outputGradAdopted = true;
                }
                else
                {
                    pending[input] = Tensors.Clone(gi);
                }
            }
            if (!outputGradAdopted) g.Dispose();
        }
        foreach (var leftover in pending.Values) leftover.Dispose();
    }

    /// <summary>Adds g into t.Grad, creating it on first use.</summary>
    private static void Accumulate<T>(Tensor<T> t, Tensor<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t.Grad is { } existing)
        {
            TensorPrimitives.Add(existing.ReadOnlySpan, g.ReadOnlySpan, existing.Span);
            return;
        }
        // A gradient lives as long as its tensor: same owner (a parameter's is GC-owned and reused across passes).
        var grad = Tensors.EmptyIn<T>(t.Storage.Owner, t.ShapeArray);
        g.ReadOnlySpan.CopyTo(grad.Span);
        t.Grad = grad;
    }

    /// <summary>Every non-leaf tensor reachable from <paramref name="root"/>, each before all tensors it was computed from.</summary>
    private static List<Tensor<T>> TopologicalOrder<T>(Tensor<T> root) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var postOrder = new List<Tensor<T>>();
        var visited = new HashSet<Tensor<T>>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor<T> Tensor, int NextInput)>();
        visited.Add(root);
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.Node is not null && child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else
            {
                postOrder.Add(t);
            }
        }
        postOrder.Reverse();
        return postOrder;
    }
}
