using System.Runtime.CompilerServices;

namespace NasPS.Compute;

/// <summary>
/// Process-wide accounting of the pooled buffers of every element type, so that a caller can check that scoring
/// thousands of networks keeps memory flat.
/// </summary>
public static class BufferPool
{
    private static long _retainedBytes, _rentedBytes, _peakRentedBytes;

    /// <summary>Default ceiling on the bytes kept for reuse; buffers returned beyond it are left to the GC.</summary>
    public const long DefaultRetainLimitBytes = 4L << 30;

    private static long _retainLimitBytes = DefaultRetainLimitBytes;

    /// <summary>Bytes held by the pools, free for reuse.</summary>
    public static long RetainedBytes => Interlocked.Read(ref _retainedBytes);

    /// <summary>Bytes currently handed out to live tensors and saved autograd state.</summary>
    public static long RentedBytes => Interlocked.Read(ref _rentedBytes);

    /// <summary>The highest <see cref="RentedBytes"/> seen since the last <see cref="ResetPeak"/>: the working memory of a pass.</summary>
    public static long PeakRentedBytes => Interlocked.Read(ref _peakRentedBytes);

    public static long RetainLimitBytes
    {
        get => Interlocked.Read(ref _retainLimitBytes);
        set => Interlocked.Exchange(ref _retainLimitBytes, value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)));
    }

    public static void ResetPeak() => Interlocked.Exchange(ref _peakRentedBytes, RentedBytes);

    /// <summary>Drops every retained buffer of every element type (they become garbage).</summary>
    public static void Trim()
    {
        foreach (var trim in Trimmers) trim();
    }

    internal static readonly List<Action> Trimmers = [];

    internal static void OnRent(long bytes, bool fromRetained)
    {
        if (fromRetained) Interlocked.Add(ref _retainedBytes, -bytes);
        long now = Interlocked.Add(ref _rentedBytes, bytes);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peakRentedBytes)) &&
               Interlocked.CompareExchange(ref _peakRentedBytes, now, peak) != peak) { }
    }

    internal static void OnReturn(long bytes, bool retained)
    {
        Interlocked.Add(ref _rentedBytes, -bytes);
        if (retained) Interlocked.Add(ref _retainedBytes, bytes);
    }

    internal static void OnDropRetained(long bytes) => Interlocked.Add(ref _retainedBytes, -bytes);

    internal static void OnAdopt(long bytes) => Interlocked.Add(ref _retainedBytes, bytes);
}

/// <summary>
/// A thread-safe pool of arrays of element type <typeparamref name="E"/>, keyed by exact length: the same
/// network scored again asks for the same lengths, so exact buckets reuse everything without the slack of
/// power-of-two buckets. Rented arrays are not cleared.
/// </summary>
public static class BufferPool<E> where E : unmanaged
{
    private static readonly Dictionary<int, Stack<E[]>> Free = [];
    // Arrays of disposed networks' state, kept apart from the working buffers so that a new network's weights never
    // take a buffer the next pass will ask for (and the other way round).
    private static readonly Dictionary<int, Stack<E[]>> Adopted = [];
    private static readonly Lock Gate = new();

    static BufferPool()
    {
        lock (BufferPool.Trimmers) BufferPool.Trimmers.Add(Trim);
    }

    private static long Bytes(int length) => (long)length * Unsafe.SizeOf<E>();

    public static E[] Rent(int length)
    {
        if (length == 0) return [];
        var array = Pop(Free, length);
        BufferPool.OnRent(Bytes(length), fromRetained: array is not null);
        return array ?? GC.AllocateUninitializedArray<E>(length);
    }

    public static void Return(E[] array)
    {
        if (array.Length == 0) return;
        long bytes = Bytes(array.Length);
        bool keep = BufferPool.RetainedBytes + bytes <= BufferPool.RetainLimitBytes;
        if (keep) Push(Free, array);
        BufferPool.OnReturn(bytes, keep);
    }

    /// <summary>An adopted array of exactly <paramref name="length"/> handed over for good (it becomes an ordinary GC
    /// array again, e.g. a new network's weight), or null when none is free. Not cleared.</summary>
    internal static E[]? TakeForGc(int length)
    {
        if (length == 0) return null;
        var array = Pop(Adopted, length);
        if (array is not null) BufferPool.OnDropRetained(Bytes(length));
        return array;
    }

    /// <summary>Takes in a GC array nobody uses any more (a disposed network's weight or gradient) as a retained buffer,
    /// within the retain limit; beyond it the array is left to the GC.</summary>
    internal static void Adopt(E[] array)
    {
        if (array.Length == 0) return;
        long bytes = Bytes(array.Length);
        if (BufferPool.RetainedBytes + bytes > BufferPool.RetainLimitBytes) return;
        Push(Adopted, array);
        BufferPool.OnAdopt(bytes);
    }

    private static E[]? Pop(Dictionary<int, Stack<E[]>> stock, int length)
    {
        lock (Gate) return stock.TryGetValue(length, out var stack) && stack.Count > 0 ? stack.Pop() : null;
    }

    private static void Push(Dictionary<int, Stack<E[]>> stock, E[] array)
    {
        lock (Gate)
        {
            if (!stock.TryGetValue(array.Length, out var stack)) stock[array.Length] = stack = new Stack<E[]>();
            stack.Push(array);
        }
    }

    /// <summary>An array rented here that will never come back (it was handed to the GC): stop counting it.</summary>
    internal static void Forget(int length) => BufferPool.OnReturn(Bytes(length), retained: false);

    private static void Trim()
    {
        lock (Gate)
        {
            foreach (var stock in new[] { Free, Adopted })
            {
                foreach (var (length, stack) in stock)
                {
                    BufferPool.OnDropRetained(Bytes(length) * stack.Count);
                    stack.Clear();
                }
                stock.Clear();
            }
        }
    }
}
