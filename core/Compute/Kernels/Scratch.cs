using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NasPS.Compute.Kernels;

/// <summary>Per-thread pinned work buffers, grown on demand and reused across calls so kernels do not allocate
/// per call. Each slot has one user at a time on a thread: the GEMM packs into <see cref="PackA"/>/<see cref="PackB"/>,
/// the convolutions stage padded images or columns, outputs and rearranged weights in <see cref="Columns"/>,
/// <see cref="Gather"/> and <see cref="Weights"/>.</summary>
internal static unsafe class Scratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? _packA;
    [ThreadStatic] private static T[]? _packB;
    [ThreadStatic] private static T[]? _columns;
    [ThreadStatic] private static T[]? _gather;
    [ThreadStatic] private static T[]? _weights;

    public static T* PackA(long length) => Get(ref _packA, length);
    public static T* PackB(long length) => Get(ref _packB, length);
    public static T* Columns(long length) => Get(ref _columns, length);
    public static T* Gather(long length) => Get(ref _gather, length);
    public static T* Weights(long length) => Get(ref _weights, length);

    private static T* Get(ref T[]? buffer, long length)
    {
        if (buffer is null || buffer.Length < length)
        {
            if (length > Array.MaxLength)
                throw new InsufficientMemoryException($"A kernel work buffer of {length} elements exceeds the largest array.");
            buffer = GC.AllocateUninitializedArray<T>((int)Math.Max(length, 64), pinned: true);
        }
        return (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }
}
