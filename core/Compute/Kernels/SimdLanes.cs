using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NasPS.Compute.Kernels;

/// <summary>The instruction set a kernel call runs on.</summary>
public enum KernelPath
{
    /// <summary>One element at a time; runs anywhere.</summary>
    Scalar = 0,
    /// <summary>256-bit vectors with fused multiply-add.</summary>
    Avx2 = 1,
    /// <summary>512-bit vectors with fused multiply-add.</summary>
    Avx512 = 2,
}

/// <summary>Chooses the widest instruction set this machine supports. A narrower one can be forced per thread,
/// so tests can check every path on one machine; the override never leaks to other threads' calls.</summary>
public static class KernelPaths
{
    /// <summary>The widest path this machine runs.</summary>
    public static KernelPath Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported ? KernelPath.Avx512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? KernelPath.Avx2
        : KernelPath.Scalar;

    [ThreadStatic] private static KernelPath? _forced;

    /// <summary>The path kernel calls made on this thread use: <see cref="Best"/> unless <see cref="Force"/> narrowed it.</summary>
    public static KernelPath Current => _forced ?? Best;

    /// <summary>The path for element type <typeparamref name="T"/>: vectors only for float and double.</summary>
    internal static KernelPath For<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double) ? Current : KernelPath.Scalar;

    /// <summary>Runs this thread's kernel calls on <paramref name="path"/> until the returned scope is disposed.</summary>
    public static IDisposable Force(KernelPath path)
    {
        if (path > Best)
            throw new NotSupportedException($"Kernel path {path} is not supported on this machine (best: {Best}).");
        var previous = _forced;
        _forced = path;
        return new Restore(previous);
    }

    private sealed class Restore(KernelPath? previous) : IDisposable
    {
        public void Dispose() => _forced = previous;
    }
}

/// <summary>One SIMD register of <typeparamref name="T"/> and the few operations the kernels need. The kernels are
/// written once against this interface; the JIT specialises them per struct implementation, so nothing is virtual.</summary>
internal unsafe interface ILanes<TVec, T>
    where TVec : unmanaged
    where T : unmanaged
{
    static abstract int Count { get; }
    /// <summary>Rows of the GEMM register tile: TileRows × 2 vector accumulators, plus the operands, fit the
    /// register file (32 registers with AVX-512, 16 with AVX2).</summary>
    static abstract int TileRows { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Load(T* source);
    static abstract void Store(T* destination, TVec value);
    static abstract TVec Broadcast(T value);
    static abstract TVec Add(TVec left, TVec right);
    static abstract TVec Multiply(TVec left, TVec right);
    /// <summary>IEEE 754 maximum, as T.Max: NaN propagates, +0 above −0 (so Max(x, 0) is ReLU as TensorPrimitives.Max gives it).</summary>
    static abstract TVec Max(TVec left, TVec right);
    /// <summary>a·b + c, fused (one rounding) on the vector paths.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
    /// <summary>The sum of the lanes, in a fixed order.</summary>
    static abstract T Sum(TVec value);
}

internal readonly unsafe struct Lanes512<T> : ILanes<Vector512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static int TileRows => 8;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(T* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T* destination, Vector512<T> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> left, Vector512<T> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Multiply(Vector512<T> left, Vector512<T> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Max(Vector512<T> left, Vector512<T> right) => Vector512.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }
}

internal readonly unsafe struct Lanes256<T> : ILanes<Vector256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    public static int TileRows => 6;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(T* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T* destination, Vector256<T> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> left, Vector256<T> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Multiply(Vector256<T> left, Vector256<T> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Max(Vector256<T> left, Vector256<T> right) => Vector256.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }
}

/// <summary>A "vector" of one element: the portable fallback, unfused multiply-add.</summary>
internal readonly unsafe struct LanesScalar<T> : ILanes<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static int TileRows => 4;
    public static T Zero => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(T* source) => *source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T* destination, T value) => *destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Broadcast(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T left, T right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Multiply(T left, T right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Max(T left, T right) => T.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MultiplyAdd(T a, T b, T c) => a * b + c;
}
