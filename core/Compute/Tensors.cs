using System.Numerics;
using NasPS.Compute.Autograd;

namespace NasPS.Compute;

/// <summary>Creating tensors, scopes and the no-grad mode.</summary>
public static class Tensors
{
    /// <summary>Opens a scope: tensors created on this thread until it is disposed return to the pool then.</summary>
    public static TensorScope NewScope() => new();

    /// <summary>Disables recording of autograd nodes on this thread until disposed (PyTorch's no_grad).</summary>
    public static IDisposable NoGrad() => GradMode.Disable();

    public static bool IsGradEnabled => GradMode.IsEnabled;

    /// <summary>An uninitialised tensor (contents arbitrary): for ops that overwrite every element.</summary>
    public static Tensor<T> Empty<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = (int[])shape.Clone();
        return new Tensor<T>(Storage<T>.Allocate(Shapes.Length(s)), s);
    }

    /// <summary>An uninitialised tensor owned by <paramref name="scope"/> (the GC when null) whose every element the
    /// caller writes.</summary>
    internal static Tensor<T> EmptyIn<T>(TensorScope? scope, int[] shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(Storage<T>.AllocateIn(scope, Shapes.Length(shape), overwritten: true), (int[])shape.Clone());

    public static Tensor<T> Zeros<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => Full(T.Zero, shape);

    public static Tensor<T> Ones<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => Full(T.One, shape);

    public static Tensor<T> Full<T>(T value, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = EmptyIn<T>(TensorScope.Current, shape);
        t.Span.Fill(value);
        return t;
    }

    public static Tensor<T> ZerosLike<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Zeros<T>(x.ShapeArray);

    /// <summary>A tensor holding a copy of <paramref name="data"/> in row-major order.</summary>
    public static Tensor<T> FromArray<T>(ReadOnlySpan<T> data, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Shapes.Length(shape);
        if (n != data.Length) throw new ArgumentException($"{data.Length} values do not fill shape {Shapes.Format(shape)} ({n} elements).");
        var t = Empty<T>(shape);
        data.CopyTo(t.Span);
        return t;
    }

    /// <summary>A copy of <paramref name="x"/> converted to element type <typeparamref name="TTo"/> (no autograd link).</summary>
    public static Tensor<TTo> Convert<TFrom, TTo>(Tensor<TFrom> x)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where TTo : unmanaged, IFloatingPointIeee754<TTo>
    {
        var y = Empty<TTo>(x.ShapeArray);
        ConvertInto(x.ReadOnlySpan, y.Span);
        return y;
    }

    internal static void ConvertInto<TFrom, TTo>(ReadOnlySpan<TFrom> from, Span<TTo> to)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where TTo : unmanaged, IFloatingPointIeee754<TTo>
    {
        if (typeof(TFrom) == typeof(TTo))
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(from).CopyTo(to);
            return;
        }
        for (int i = 0; i < from.Length; i++) to[i] = TTo.CreateTruncating(from[i]);
    }

    /// <summary>A copy of <paramref name="x"/>'s values in a new buffer (no autograd link).</summary>
    public static Tensor<T> Clone<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Empty<T>(x.ShapeArray);
        x.ReadOnlySpan.CopyTo(y.Span);
        return y;
    }
}
