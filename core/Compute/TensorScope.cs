namespace NasPS.Compute;

/// <summary>
/// A lifetime for tensors, like TorchSharp's dispose scopes: every buffer allocated on this thread while the
/// scope is the innermost one returns to the pool when it is disposed, unless a tensor was moved out.
/// Scopes nest and must be disposed in reverse order of creation (use <c>using</c>).
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly List<IScopedBuffer> _owned = [];
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private bool _disposed;

    internal TensorScope()
    {
        Parent = _current;
        _current = this;
    }

    /// <summary>The innermost live scope of the calling thread, or null.</summary>
    public static TensorScope? Current => _current;

    /// <summary>The scope that was current when this one was created; tensors moved out go there.</summary>
    public TensorScope? Parent { get; }

    /// <summary>Buffers this scope will return when disposed.</summary>
    public int OwnedCount
    {
        get
        {
            int n = 0;
            foreach (var b in _owned) if (ReferenceEquals(b.Owner, this)) n++;
            return n;
        }
    }

    internal void Adopt(IScopedBuffer buffer)
    {
        if (_disposed) throw new ObjectDisposedException(nameof(TensorScope), "A tensor was created in a scope that has already ended.");
        buffer.Owner = this;
        _owned.Add(buffer);
    }

    /// <summary>Moves <paramref name="buffer"/> from its owner to <paramref name="target"/> (or to the GC when null).</summary>
    internal static void Transfer<E>(Storage<E> buffer, TensorScope? target) where E : unmanaged
    {
        if (ReferenceEquals(buffer.Owner, target)) return;
        if (target is null) buffer.DetachFromPool();
        else target.Adopt(buffer);
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("A tensor scope must be disposed on the thread that created it.");
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("Tensor scopes must be disposed innermost first (an inner scope is still open).");
        _disposed = true;
        // Buffers moved to another scope keep that scope as owner; only ours are released.
        for (int i = _owned.Count - 1; i >= 0; i--)
            if (ReferenceEquals(_owned[i].Owner, this)) _owned[i].Release();
        _owned.Clear();
        _current = Parent;
    }
}
