using System.Numerics;
using NasPS.Compute.Autograd;

namespace NasPS.Compute;

public static partial class Ops
{
    /// <summary>A view with a new shape (one dimension may be −1: inferred). Shares the buffer; no copy.</summary>
    public static Tensor<T> Reshape<T>(Tensor<T> x, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var resolved = (int[])shape.Clone();
        int infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            if (Array.LastIndexOf(resolved, -1) != infer) throw new ArgumentException($"reshape: only one dimension can be -1 in {Shapes.Format(shape)}.");
            resolved[infer] = 1;
            int known = Shapes.Length(resolved);
            if (known == 0 || x.Length % known != 0)
                throw new ArgumentException($"reshape: {Shapes.Format(x.Shape)} cannot be viewed as {Shapes.Format(shape)}.");
            resolved[infer] = x.Length / known;
        }
        if (Shapes.Length(resolved) != x.Length)
            throw new ArgumentException($"reshape: {Shapes.Format(x.Shape)} ({x.Length} elements) cannot be viewed as {Shapes.Format(shape)}.");
        var y = new Tensor<T>(x.Storage, resolved);
        return Graph.Record(y, "reshape", [x], dy => [new Tensor<T>(dy.Storage, x.ShapeArray)]);
    }

    /// <summary>Flattens dimensions from <paramref name="startDim"/> on (x.view(N, -1) for the default).</summary>
    public static Tensor<T> Flatten<T>(Tensor<T> x, int startDim = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int s = Shapes.Axis(startDim, x.Rank);
        return Reshape(x, [.. x.ShapeArray[..s], -1]);
    }

    /// <summary>Reorders dimensions: output dimension i is input dimension <paramref name="dims"/>[i]. Copies.</summary>
    public static Tensor<T> Permute<T>(Tensor<T> x, params int[] dims) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = x.Rank;
        if (dims.Length != rank) throw new ArgumentException($"permute: {dims.Length} dimensions given for a tensor of rank {rank}.");
        var axes = dims.Select(d => Shapes.Axis(d, rank)).ToArray();
        if (axes.Distinct().Count() != rank) throw new ArgumentException($"permute: {Shapes.Format(dims)} is not a permutation.");
        var y = Tensors.Empty<T>(axes.Select(a => x.Size(a)).ToArray());
        PermuteInto(x.ReadOnlySpan, x.ShapeArray, axes, y.Span);
        var inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[axes[i]] = i;
        return Graph.Record(y, "permute", [x], dy =>
        {
            var dx = Tensors.Empty<T>(x.ShapeArray);
            PermuteInto(dy.ReadOnlySpan, dy.ShapeArray, inverse, dx.Span);
            return [dx];
        });
    }

    public static Tensor<T> Transpose<T>(Tensor<T> x, int dim0, int dim1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dims = Enumerable.Range(0, x.Rank).ToArray();
        int a = Shapes.Axis(dim0, x.Rank), b = Shapes.Axis(dim1, x.Rank);
        (dims[a], dims[b]) = (dims[b], dims[a]);
        return Permute(x, dims);
    }

    private static void PermuteInto<T>(ReadOnlySpan<T> src, int[] shape, int[] axes, Span<T> dst)
    {
        int rank = shape.Length;
        var srcStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) srcStrides[i] = s;
        var outShape = axes.Select(a => shape[a]).ToArray();
        var stride = axes.Select(a => srcStrides[a]).ToArray();
        var index = new int[rank];
        int offset = 0;
        for (int o = 0; o < dst.Length; o++)
        {
            dst[o] = src[offset];
            // Odometer increment over the output index, tracking the source offset.
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < outShape[d]) { offset += stride[d]; break; }
                offset -= stride[d] * (outShape[d] - 1);
                index[d] = 0;
            }
        }
    }

    /// <summary>Concatenation along <paramref name="dim"/> (1 = channels for NCHW).</summary>
    public static Tensor<T> Concat<T>(IReadOnlyList<Tensor<T>> parts, int dim = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (parts.Count == 0) throw new ArgumentException("concat: at least one tensor is needed.", nameof(parts));
        var first = parts[0];
        int axis = Shapes.Axis(dim, first.Rank);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= first.Size(i);
        for (int i = axis + 1; i < first.Rank; i++) inner *= first.Size(i);
        int total = 0;
        foreach (var p in parts)
        {
            bool ok = p.Rank == first.Rank;
            for (int i = 0; ok && i < p.Rank; i++) ok = i == axis || p.Size(i) == first.Size(i);
            if (!ok) throw new ArgumentException($"concat: {Shapes.Format(p.Shape)} does not match {Shapes.Format(first.Shape)} outside dimension {axis}.");
            total += p.Size(axis);
        }
        var shape = (int[])first.ShapeArray.Clone();
        shape[axis] = total;
        var y = Tensors.Empty<T>(shape);
        int start = 0;
        foreach (var p in parts)
        {
            CopyBlock(p.ReadOnlySpan, 0, p.Size(axis), y.Span, start, total, outer, inner);
            start += p.Size(axis);
        }
        return Graph.Record(y, "concat", [.. parts], dy =>
        {
            var grads = new Tensor<T>?[parts.Count];
            int s = 0;
            for (int k = 0; k < parts.Count; k++)
            {
                int len = parts[k].Size(axis);
                if (parts[k].RequiresGrad)
                {
                    grads[k] = Tensors.Empty<T>(parts[k].ShapeArray);
                    CopyBlock(dy.ReadOnlySpan, s, total, grads[k]!.Span, 0, len, outer, inner, len);
                }
                s += len;
            }
            return grads;
        });
    }

    /// <summary>Elements [start, start + length) of dimension <paramref name="dim"/> (a copy).</summary>
    public static Tensor<T> Slice<T>(Tensor<T> x, int dim, int start, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int axis = Shapes.Axis(dim, x.Rank);
        int size = x.Size(axis);
        if (start < 0 || length < 0 || start + length > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice: [{start}, {start + length}) is outside dimension {axis} of size {size} in {Shapes.Format(x.Shape)}.");
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Size(i);
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Size(i);
        var shape = (int[])x.ShapeArray.Clone();
        shape[axis] = length;
        var y = Tensors.Empty<T>(shape);
        CopyBlock(x.ReadOnlySpan, start, size, y.Span, 0, length, outer, inner, length);
        return Graph.Record(y, "slice", [x], dy =>
        {
            var dx = Tensors.Zeros<T>(x.ShapeArray);
            CopyBlock(dy.ReadOnlySpan, 0, length, dx.Span, start, size, outer, inner);
            return [dx];
        });
    }

    /// <summary>Copies <paramref name="count"/> (default: the source's whole extent) rows of the middle axis, for every outer index,
    /// from offset <paramref name="srcStart"/> of a source with middle extent <paramref name="srcExtent"/> to offset
    /// <paramref name="dstStart"/> of a destination with extent <paramref name="dstExtent"/>.</summary>
    private static void CopyBlock<T>(ReadOnlySpan<T> src, int srcStart, int srcExtent, Span<T> dst, int dstStart, int dstExtent,
        int outer, int inner, int count = -1)
    {
        if (count < 0) count = srcExtent;
        for (int o = 0; o < outer; o++)
            src.Slice((o * srcExtent + srcStart) * inner, count * inner).CopyTo(dst.Slice((o * dstExtent + dstStart) * inner, count * inner));
    }
}
