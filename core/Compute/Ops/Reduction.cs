using System.Numerics;
using System.Numerics.Tensors;
using NasPS.Compute.Autograd;

namespace NasPS.Compute;

public static partial class Ops
{
    /// <summary>Sum of all elements: a scalar (shape []).</summary>
    public static Tensor<T> Sum<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Tensors.Full(TensorPrimitives.Sum(x.ReadOnlySpan));
        return Graph.Record(y, "sum", [x], dy => [Tensors.Full(dy.Item(), x.ShapeArray)]);
    }

    /// <summary>Mean of all elements: a scalar (shape []).</summary>
    public static Tensor<T> Mean<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Scale(Sum(x), T.One / T.CreateTruncating(x.Length));

    /// <summary>Sum over dimension <paramref name="dim"/>, keeping it as size 1 when <paramref name="keepDim"/>.</summary>
    public static Tensor<T> Sum<T>(Tensor<T> x, int dim, bool keepDim = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int axis = Shapes.Axis(dim, x.Rank);
        var (outer, size, inner) = Split(x, axis);
        var shape = keepDim ? x.ShapeArray.Select((s, i) => i == axis ? 1 : s).ToArray() : x.ShapeArray.Where((_, i) => i != axis).ToArray();
        var y = Tensors.Zeros<T>(shape);
        var ys = y.Span;
        var xs = x.ReadOnlySpan;
        for (int o = 0; o < outer; o++)
        for (int k = 0; k < size; k++)
            TensorPrimitives.Add(ys.Slice(o * inner, inner), xs.Slice((o * size + k) * inner, inner), ys.Slice(o * inner, inner));
        return Graph.Record(y, "sum_dim", [x], dy =>
        {
            var dx = Tensors.Empty<T>(x.ShapeArray);
            for (int o = 0; o < outer; o++)
            for (int k = 0; k < size; k++)
                dy.ReadOnlySpan.Slice(o * inner, inner).CopyTo(dx.Span.Slice((o * size + k) * inner, inner));
            return [dx];
        });
    }

    public static Tensor<T> Mean<T>(Tensor<T> x, int dim, bool keepDim = false) where T : unmanaged, IFloatingPointIeee754<T> =>
        Scale(Sum(x, dim, keepDim), T.One / T.CreateTruncating(x.Size(dim)));

    /// <summary>Softmax along <paramref name="dim"/> (max-shifted for stability).</summary>
    public static Tensor<T> Softmax<T>(Tensor<T> x, int dim = -1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int axis = Shapes.Axis(dim, x.Rank);
        var (outer, size, inner) = Split(x, axis);
        var y = Tensors.Empty<T>(x.ShapeArray);
        var xs = x.ReadOnlySpan;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int b = o * size * inner + i;
            T max = T.NegativeInfinity;
            for (int k = 0; k < size; k++) max = T.Max(max, xs[b + k * inner]);
            T sum = T.Zero;
            for (int k = 0; k < size; k++) sum += ys[b + k * inner] = T.Exp(xs[b + k * inner] - max);
            for (int k = 0; k < size; k++) ys[b + k * inner] /= sum;
        }
        return Graph.Record(y, "softmax", [x], dy =>
        {
            // dx = y ⊙ (dy − Σ dy·y) along the axis.
            var dx = Tensors.Empty<T>(x.ShapeArray);
            var g = dy.ReadOnlySpan;
            var yv = y.ReadOnlySpan;
            var d = dx.Span;
            for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                T dot = T.Zero;
                for (int k = 0; k < size; k++) dot += g[b + k * inner] * yv[b + k * inner];
                for (int k = 0; k < size; k++) d[b + k * inner] = yv[b + k * inner] * (g[b + k * inner] - dot);
            }
            return [dx];
        });
    }

    /// <summary>Mean cross-entropy of logits [N, K] against class indices (PyTorch's F.cross_entropy, reduction 'mean').</summary>
    public static Tensor<T> CrossEntropy<T>(Tensor<T> logits, ReadOnlySpan<int> targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shapes.RequireRank("cross_entropy", logits, 2, "[N, classes]");
        int n = logits.Size(0), k = logits.Size(1);
        if (targets.Length != n) throw new ArgumentException($"cross_entropy: {targets.Length} targets for {n} rows of logits.");
        var labels = targets.ToArray();
        foreach (int t in labels)
            if ((uint)t >= (uint)k) throw new ArgumentOutOfRangeException(nameof(targets), t, $"cross_entropy: a target is outside 0..{k - 1}.");
        var probabilities = new T[n * k];
        T loss = T.Zero;
        var xs = logits.ReadOnlySpan;
        for (int r = 0; r < n; r++)
        {
            var row = xs.Slice(r * k, k);
            T max = TensorPrimitives.Max(row);
            T sum = T.Zero;
            for (int j = 0; j < k; j++) sum += probabilities[r * k + j] = T.Exp(row[j] - max);
            for (int j = 0; j < k; j++) probabilities[r * k + j] /= sum;
            loss += max + T.Log(sum) - row[labels[r]];
        }
        T invN = T.One / T.CreateTruncating(n);
        var y = Tensors.Full(loss * invN);
        return Graph.Record(y, "cross_entropy", [logits], dy =>
        {
            var dx = Tensors.Empty<T>(logits.ShapeArray);
            T scale = dy.Item() * invN;
            var d = dx.Span;
            for (int i = 0; i < d.Length; i++) d[i] = probabilities[i] * scale;
            for (int r = 0; r < n; r++) d[r * k + labels[r]] -= scale;
            return [dx];
        });
    }

    private static (int Outer, int Size, int Inner) Split<T>(Tensor<T> x, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Size(i);
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Size(i);
        return (outer, x.Size(axis), inner);
    }
}
