using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NasPS.Compute.Kernels;

/// <summary>Per-thread pinned work buffers, grown on demand and reused across calls so kernels do not allocate
/// per call. Each slot has one user at a time on a thread: the GEMM packs into <see cref="PackA"/>/<see cref="PackB"/>
/// (and gathered B panels into <see cref="Panel"/>), the convolutions stage padded images or columns, outputs and
/// rearranged weights in <see cref="Columns"/>, <see cref="Gather"/> and <see cref="Weights"/>.
/// Retention is bounded: a slot grown past <see cref="LargeBytes"/> shrinks back to what its next request needs,
/// and <see cref="BufferPool.Trim"/> releases every slot (each thread's slot is dropped at its next request, since
/// only its own thread may know it is no longer in use).</summary>
internal static unsafe class Scratch<T> where T : unmanaged
{
    /// <summary>A slot bigger than this is not kept once a smaller request comes.</summary>
    public const long LargeBytes = 16L << 20;

    private struct Slot
    {
        public T[]? Buffer;
        public int Generation;
    }

    [ThreadStatic] private static Slot _packA;
    [ThreadStatic] private static Slot _packB;
    [ThreadStatic] private static Slot _panel;
    [ThreadStatic] private static Slot _columns;
    [ThreadStatic] private static Slot _gather;
    [ThreadStatic] private static Slot _weights;

    /// <summary>Bumped by <see cref="BufferPool.Trim"/>: a slot filled in an older generation is dropped when next asked for.</summary>
    private static int _generation;

    static Scratch()
    {
        lock (BufferPool.Trimmers) BufferPool.Trimmers.Add(() => Interlocked.Increment(ref _generation));
    }

    public static T* PackA(long length) => Get(ref _packA, length);
    public static T* PackB(long length) => Get(ref _packB, length);
    public static T* Panel(long length) => Get(ref _panel, length);
    public static T* Columns(long length) => Get(ref _columns, length);
    public static T* Gather(long length) => Get(ref _gather, length);
    public static T* Weights(long length) => Get(ref _weights, length);

    private const int CacheLine = 64;
    /// <summary>Elements a buffer holds beyond its request, so that its aligned start still leaves the whole request.</summary>
    private static readonly int AlignmentSlack = (CacheLine + sizeof(T) - 1) / sizeof(T);

    private static T* Get(ref Slot slot, long length)
    {
        int generation = Volatile.Read(ref _generation);
        var buffer = slot.Buffer;
        bool oversized = buffer is not null && (long)buffer.Length * sizeof(T) > LargeBytes && buffer.Length > 2 * length;
        if (buffer is null || buffer.Length < length + AlignmentSlack || oversized || slot.Generation != generation)
        {
            if (length > Array.MaxLength)
                throw new InsufficientMemoryException($"A kernel work buffer of {length} elements exceeds the largest array.");
            slot.Buffer = null;  // the old buffer becomes garbage before the new one is allocated
            buffer = slot.Buffer = GC.AllocateUninitializedArray<T>((int)Math.Max(length + AlignmentSlack, 64), pinned: true);
            slot.Generation = generation;
        }
        // Start at a cache line: a 64-byte vector load or store that straddles two lines costs two.
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((start + (CacheLine - 1)) & ~(nint)(CacheLine - 1));
    }
}
