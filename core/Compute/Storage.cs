namespace NasPS.Compute;

/// <summary>Something a <see cref="TensorScope"/> gives back when it ends.</summary>
internal interface IScopedBuffer
{
    TensorScope? Owner { get; set; }
    void Release();
}

/// <summary>
/// The buffer behind one or more tensors (a reshape is a view sharing it). Inside a scope it is rented from
/// <see cref="BufferPool{E}"/> and returned when the scope ends; outside any scope it is an ordinary GC array.
/// Contents are not cleared on allocation.
/// </summary>
internal sealed class Storage<E> : IScopedBuffer where E : unmanaged
{
    private E[]? _array;
    private bool _pooled;

    public TensorScope? Owner { get; set; }
    public int Length { get; }

    private Storage(E[] array, int length, bool pooled)
    {
        _array = array;
        Length = length;
        _pooled = pooled;
    }

    /// <summary>A buffer owned by the current scope of this thread, or by the GC when there is none.</summary>
    public static Storage<E> Allocate(int length) => AllocateIn(TensorScope.Current, length);

    /// <summary>A buffer owned by <paramref name="scope"/>, or by the GC when it is null.</summary>
    /// <param name="overwritten">The caller writes every element before reading any: a reused GC array need not be
    /// cleared first.</param>
    public static Storage<E> AllocateIn(TensorScope? scope, int length, bool overwritten = false)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "A buffer length cannot be negative.");
        if (scope is null)
        {
            // A GC array, zeroed as `new` would give it; an adopted array of the same length (a disposed network's
            // weight or gradient) is cleared and reused, which costs far less than fresh pages.
            if (BufferPool<E>.TakeForGc(length) is { } reused)
            {
                if (!overwritten) Array.Clear(reused);
                return new Storage<E>(reused, length, pooled: false);
            }
            return new Storage<E>(new E[length], length, pooled: false);
        }
        var storage = new Storage<E>(BufferPool<E>.Rent(length), length, pooled: true);
        scope.Adopt(storage);
        return storage;
    }

    public bool IsReleased => _array is null;

    public Span<E> Span => _array is { } a
        ? a.AsSpan(0, Length)
        : throw new ObjectDisposedException("Tensor",
            "The tensor's buffer was returned to the pool when its scope ended (or it was disposed). Move a tensor out of its scope (MoveToOuterScope/Detach) to keep it.");

    /// <summary>Gives the buffer back to the pool now; idempotent.</summary>
    public void Release()
    {
        var a = _array;
        if (a is null) return;
        _array = null;
        Owner = null;
        if (_pooled) BufferPool<E>.Return(a);
    }

    /// <summary>Gives the buffer up for reuse now, whoever owns it: a pooled buffer goes back to the pool, a GC array is
    /// adopted by it. Idempotent; every tensor on this buffer is unusable afterwards.</summary>
    public void Recycle()
    {
        var a = _array;
        if (a is null) return;
        if (_pooled)
        {
            Release();
            return;
        }
        _array = null;
        Owner = null;
        BufferPool<E>.Adopt(a);
    }

    /// <summary>Hands the buffer to the GC: no scope will return it any more.</summary>
    public void DetachFromPool()
    {
        if (_pooled && _array is not null) BufferPool<E>.Forget(_array.Length);
        _pooled = false;
        Owner = null;
    }
}
