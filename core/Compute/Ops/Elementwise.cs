using System.Numerics;
using System.Numerics.Tensors;
using NasPS.Compute.Autograd;
using NasPS.Compute.Kernels;

namespace NasPS.Compute;

public static partial class Ops
{
    private delegate void Map<T>(ReadOnlySpan<T> x, Span<T> y);

    /// <summary>dx from the input x, the output y and the output gradient dy.</summary>
    private delegate void MapBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx);

    /// <summary>An element-wise op: <paramref name="forward"/> fills y from x, <paramref name="backward"/> gives dx.</summary>
    private static Tensor<T> Elementwise<T>(string op, Tensor<T> x, Map<T> forward, MapBackward<T> backward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Tensors.Empty<T>(x.ShapeArray);
        forward(x.ReadOnlySpan, y.Span);
        return Graph.Record(y, op, [x], dy =>
        {
            var dx = Tensors.Empty<T>(x.ShapeArray);
            backward(x.ReadOnlySpan, y.ReadOnlySpan, dy.ReadOnlySpan, dx.Span);
            return [dx];
        });
    }

    public static Tensor<T> Relu<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("relu", x,
            static (x, y) => TensorPrimitives.Max(x, T.Zero, y),
            static (_, y, dy, dx) => MaskWherePositive(y, dy, dx));

    /// <summary>dx[i] = mask[i] &gt; 0 ? dy[i] : 0, vectorised.</summary>
    private static void MaskWherePositive<T>(ReadOnlySpan<T> mask, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            for (; i <= mask.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var m = Vector.GreaterThan(new Vector<T>(mask[i..]), Vector<T>.Zero);
                Vector.ConditionalSelect(m, new Vector<T>(dy[i..]), Vector<T>.Zero).CopyTo(dx[i..]);
            }
        }
        for (; i < mask.Length; i++) dx[i] = mask[i] > T.Zero ? dy[i] : T.Zero;
    }

    /// <summary>GELU in its exact form x·Φ(x) (PyTorch's default, approximate='none').</summary>
    public static Tensor<T> Gelu<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("gelu", x,
            static (x, y) =>
            {
                for (int i = 0; i < x.Length; i++)
                {
                    double v = double.CreateTruncating(x[i]);
                    y[i] = T.CreateTruncating(v * SpecialFunctions.NormalCdf(v));
                }
            },
            static (x, _, dy, dx) =>
            {
                for (int i = 0; i < x.Length; i++)
                {
                    double v = double.CreateTruncating(x[i]);
                    double d = SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v);
                    dx[i] = dy[i] * T.CreateTruncating(d);
                }
            });

    public static Tensor<T> Sigmoid<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("sigmoid", x,
            static (x, y) => TensorPrimitives.Sigmoid(x, y),
            static (_, y, dy, dx) =>
            {
                for (int i = 0; i < y.Length; i++) dx[i] = dy[i] * y[i] * (T.One - y[i]);
            });

    /// <summary>SiLU (swish): x·σ(x).</summary>
    public static Tensor<T> Silu<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("silu", x,
            static (x, y) =>
            {
                TensorPrimitives.Sigmoid(x, y);
                TensorPrimitives.Multiply(x, y, y);
            },
            static (x, _, dy, dx) =>
            {
                for (int i = 0; i < x.Length; i++)
                {
                    T s = T.One / (T.One + T.Exp(-x[i]));
                    dx[i] = dy[i] * s * (T.One + x[i] * (T.One - s));
                }
            });

    /// <summary>Hardswish: x·relu6(x + 3)/6; the derivative follows PyTorch at the kinks (x = -3 → -0.5, x = 3 → 1.5).</summary>
    public static Tensor<T> Hardswish<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("hardswish", x,
            static (x, y) =>
            {
                T three = T.CreateTruncating(3), six = T.CreateTruncating(6);
                for (int i = 0; i < x.Length; i++) y[i] = x[i] * T.Clamp(x[i] + three, T.Zero, six) / six;
            },
            static (x, _, dy, dx) =>
            {
                T three = T.CreateTruncating(3), half = T.CreateTruncating(0.5);
                for (int i = 0; i < x.Length; i++)
                    dx[i] = x[i] < -three ? T.Zero : x[i] <= three ? dy[i] * (x[i] / three + half) : dy[i];
            });

    /// <summary>|x|; the gradient at 0 is 0, as in PyTorch.</summary>
    public static Tensor<T> Abs<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("abs", x,
            static (x, y) => TensorPrimitives.Abs(x, y),
            static (x, _, dy, dx) =>
            {
                for (int i = 0; i < x.Length; i++) dx[i] = dy[i] * SignOf(x[i]);
            });

    /// <summary>sign(x) ∈ {-1, 0, 1}; its gradient is zero everywhere.</summary>
    public static Tensor<T> Sign<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("sign", x,
            static (x, y) =>
            {
                for (int i = 0; i < x.Length; i++) y[i] = SignOf(x[i]);
            },
            static (_, _, _, dx) => dx.Clear());

    private static T SignOf<T>(T v) where T : unmanaged, IFloatingPointIeee754<T> =>
        v > T.Zero ? T.One : v < T.Zero ? -T.One : T.IsNaN(v) ? v : T.Zero;

    /// <summary>ln(1 + x), accurate for small x.</summary>
    public static Tensor<T> Log1p<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Elementwise("log1p", x,
            static (x, y) =>
            {
                for (int i = 0; i < x.Length; i++) y[i] = T.LogP1(x[i]);
            },
            static (x, _, dy, dx) =>
            {
                for (int i = 0; i < x.Length; i++) dx[i] = dy[i] / (T.One + x[i]);
            });

    /// <summary>x·factor.</summary>
    public static Tensor<T> Scale<T>(Tensor<T> x, T factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Tensors.Empty<T>(x.ShapeArray);
        TensorPrimitives.Multiply(x.ReadOnlySpan, factor, y.Span);
        return Graph.Record(y, "scale", [x], dy =>
        {
            var dx = Tensors.Empty<T>(x.ShapeArray);
            TensorPrimitives.Multiply(dy.ReadOnlySpan, factor, dx.Span);
            return [dx];
        });
    }

    /// <summary>The NAS-Bench-201 'none' operation: zeros shaped like x, and a zero gradient for x.</summary>
    public static Tensor<T> Zero<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Tensors.Zeros<T>(x.ShapeArray);
        return Graph.Record(y, "zero", [x], _ => [Tensors.Zeros<T>(x.ShapeArray)]);
    }

    public static Tensor<T> Add<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shapes.RequireSame("add", a, b);
        var y = Tensors.Empty<T>(a.ShapeArray);
        TensorPrimitives.Add(a.ReadOnlySpan, b.ReadOnlySpan, y.Span);
        return Graph.Record(y, "add", [a, b], dy => [dy, dy]);
    }

    /// <summary>Sum of several same-shaped tensors, left to right (Python's sum order): ((t0 + t1) + t2) + …, each element
    /// rounded as the pairwise adds would round it, but in one pass and one output: a block of the output takes every
    /// term while it is still in L1. One term is returned as it is.</summary>
    public static Tensor<T> AddN<T>(IReadOnlyList<Tensor<T>> terms) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (terms.Count == 0) throw new ArgumentException("add: at least one tensor is needed.", nameof(terms));
        if (terms.Count == 1) return terms[0];
        var inputs = terms.ToArray();
        foreach (var term in inputs) Shapes.RequireSame("add", inputs[0], term);
        var y = Tensors.Empty<T>(inputs[0].ShapeArray);
        var output = y.Span;
        const int Block = 2048;
        for (int start = 0; start < output.Length; start += Block)
        {
            int count = Math.Min(Block, output.Length - start);
            var block = output.Slice(start, count);
            TensorPrimitives.Add(inputs[0].ReadOnlySpan.Slice(start, count), inputs[1].ReadOnlySpan.Slice(start, count), block);
            for (int i = 2; i < inputs.Length; i++) TensorPrimitives.Add(block, inputs[i].ReadOnlySpan.Slice(start, count), block);
        }
        return Graph.Record(y, "add", inputs, dy =>
        {
            var grads = new Tensor<T>?[inputs.Length];
            Array.Fill(grads, dy);
            return grads;
        });
    }

    /// <summary>
    /// Σ over <paramref name="terms"/>, in order, of same-shaped [N, C, H, W] tensors, each taken as it is, as
    /// x·scale[c] + shift[c] per channel c (a batch-normalised branch, <see cref="BatchNorm2dCoefficients{T}"/>), or as
    /// avg_pool_3x3(x) (stride 1, padding 1, count_include_pad = false): the sum of a NAS-Bench-201 node without writing
    /// each branch out first. Every element is rounded as the separate ops followed by <see cref="AddN{T}"/> round it.
    /// Not recorded for autograd.
    /// </summary>
    public static Tensor<T> SumTerms<T>(IReadOnlyList<SumTerm<T>> terms) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (terms.Count == 0) throw new ArgumentException("add: at least one tensor is needed.", nameof(terms));
        var first = terms[0].X;
        foreach (var term in terms)
        {
            Shapes.RequireSame("add", first, term.X);
            if (Graph.NeedsGrad(term.X))
                throw new InvalidOperationException("A sum of channel-affine terms is not recorded for autograd; use BatchNorm2d and AddN while gradients are recorded.");
            if (term.Scale is not null && (first.Rank < 2 || term.Scale.Length != first.Size(1) || term.Shift?.Length != first.Size(1)))
                throw new ArgumentException($"add: per-channel coefficients of length {term.Scale.Length} do not match {Shapes.Format(first.Shape)}.");
            if (term.AveragePool3x3 && (first.Rank != 4 || term.Scale is not null))
                throw new ArgumentException($"add: a pooled term must be a plain [N, C, H, W] tensor, not {Shapes.Format(first.Shape)}{(term.Scale is null ? "" : " with coefficients")}.");
        }
        if (terms.Count == 1 && terms[0].Scale is null && !terms[0].AveragePool3x3) return first;
        int channels = first.Size(1), plane = first.Length / (first.Size(0) * channels), planes = first.Size(0) * channels;
        var y = Tensors.Empty<T>(first.ShapeArray);
        var inputs = terms.ToArray();
        bool pooled = inputs.Any(t => t.AveragePool3x3);
        var divisors = pooled ? AvgPool3x3Divisors<T>(first.Size(2), first.Size(3), countIncludePad: false) : null;
        // Planes in blocks of about 8K elements (32 KiB of float32: the block's sum stays in L1 from one term to the next),
        // so small planes still make work items worth a thread; term by term over the block.
        int planesPerBlock = Math.Max(1, 8192 / Math.Max(plane, 1)), blocks = (planes + planesPerBlock - 1) / planesPerBlock;
        Parallelism.For(blocks, block =>
        {
            // A pooled term's plane is pooled into scratch (in cache) and added from there.
            var scratch = pooled ? System.Buffers.ArrayPool<T>.Shared.Rent(2 * plane) : null;
            int p0 = block * planesPerBlock, p1 = Math.Min(planes, p0 + planesPerBlock), length = (p1 - p0) * plane;
            var target = y.Span.Slice(p0 * plane, length);
            for (int t = 0; t < inputs.Length; t++)
            {
                var (x, scale, shift, pool) = inputs[t];
                var sources = x.ReadOnlySpan.Slice(p0 * plane, length);
                if (pool)
                {
                    for (int p = p0; p < p1; p++)
                    {
                        var pooledPlane = scratch.AsSpan(0, plane);
                        var output = target.Slice((p - p0) * plane, plane);
                        AvgPool3x3Plane(sources.Slice((p - p0) * plane, plane), first.Size(2), first.Size(3), divisors, pooledPlane, scratch.AsSpan(plane, plane));
                        if (t == 0) pooledPlane.CopyTo(output);
                        else TensorPrimitives.Add(output, pooledPlane, output);
                    }
                }
                else if (scale is null)
                {
                    if (t == 0) sources.CopyTo(target);
                    else TensorPrimitives.Add(target, sources, target);
                }
                else ChannelMath.ScaleShiftPlanes(sources, scale, shift!, target, plane, channels, p0 % channels, accumulate: t > 0);
            }
            if (scratch is not null) System.Buffers.ArrayPool<T>.Shared.Return(scratch);
        });
        return y;
    }

    /// <summary>Element-wise product of same-shaped tensors.</summary>
    public static Tensor<T> Mul<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shapes.RequireSame("mul", a, b);
        var y = Tensors.Empty<T>(a.ShapeArray);
        TensorPrimitives.Multiply(a.ReadOnlySpan, b.ReadOnlySpan, y.Span);
        return Graph.Record(y, "mul", [a, b], dy =>
        {
            Tensor<T>? da = null, db = null;
            if (a.RequiresGrad)
            {
                da = Tensors.Empty<T>(a.ShapeArray);
                TensorPrimitives.Multiply(dy.ReadOnlySpan, b.ReadOnlySpan, da.Span);
            }
            if (b.RequiresGrad)
            {
                db = Tensors.Empty<T>(b.ShapeArray);
                TensorPrimitives.Multiply(dy.ReadOnlySpan, a.ReadOnlySpan, db.Span);
            }
            return [da, db];
        });
    }
}

/// <summary>A term of <see cref="Ops.SumTerms{T}"/>: x·Scale[c] + Shift[c] per channel c, avg_pool_3x3(x) when
/// <paramref name="AveragePool3x3"/>, or x itself.</summary>
public readonly record struct SumTerm<T>(Tensor<T> X, T[]? Scale = null, T[]? Shift = null, bool AveragePool3x3 = false)
    where T : unmanaged, IFloatingPointIeee754<T>;
