namespace NasPS.Proxies;

/// <summary>
/// Runs work items on <see cref="Limit"/> worker threads of its own, started in submission order, and hands results back
/// in that order. A freed worker takes the next submitted item at once: there is no window that waits for its slowest
/// member (NB201 architectures differ in cost by 10× and more). The owner submits and takes on one thread — the CLI's
/// output loop or a cmdlet's pipeline thread, which alone may write — and keeps a few items submitted ahead of the
/// oldest one running. Own threads rather than the pool's: a busy pool would start the items late and in any order,
/// and each worker keeps its kernels' per-thread work buffers from one item to the next.
/// </summary>
public sealed class OrderedParallel<TIn, TOut> : IDisposable
{
    private sealed record Entry(TIn Item, TaskCompletionSource<TOut> Result);

    private readonly Func<TIn, TOut> _work;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenRegistration _onStop;
    private readonly Queue<Entry> _submitted = new();   // the owner's view: every entry not yet taken
    private readonly Queue<Entry> _waiting = new();     // entries no worker has taken yet (guarded by _gate)
    private readonly object _gate = new();
    private readonly List<Thread> _workers = [];
    private bool _closed;

    public OrderedParallel(int limit, Func<TIn, TOut> work, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _work = work;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _onStop = _stop.Token.Register(CancelWaiting);
    }

    /// <summary>Items running at once.</summary>
    public int Limit { get; }

    /// <summary>How many items to keep submitted: enough that a freed worker always finds one waiting (one at a time:
    /// just the one, so each result comes back as soon as it is done).</summary>
    public int Lookahead => Limit == 1 ? 1 : 4 * Limit;

    /// <summary>Items submitted and not yet taken.</summary>
    public int Count => _submitted.Count;

    public void Submit(TIn item)
    {
        var entry = new Entry(item, new TaskCompletionSource<TOut>(TaskCreationOptions.RunContinuationsAsynchronously));
        _submitted.Enqueue(entry);
        if (_stop.IsCancellationRequested)
        {
            entry.Result.TrySetCanceled(_stop.Token);
            return;
        }
        lock (_gate)
        {
            _waiting.Enqueue(entry);
            if (_workers.Count < Limit)
            {
                var worker = new Thread(Work) { IsBackground = true, Name = "NasPS scoring" };
                _workers.Add(worker);
                worker.Start();
            }
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>The oldest item and its result, waiting for it; the work's own exception if it failed.</summary>
    public (TIn Item, TOut Result) TakeOldest()
    {
        var entry = _submitted.Dequeue();
        return (entry.Item, entry.Result.Task.GetAwaiter().GetResult());
    }

    /// <summary>The oldest item and its result when it has finished (or failed: then its exception), without waiting.</summary>
    public bool TryTakeFinished(out (TIn Item, TOut Result) taken)
    {
        if (_submitted.Count > 0 && _submitted.Peek().Result.Task.IsCompleted)
        {
            taken = TakeOldest();
            return true;
        }
        taken = default;
        return false;
    }

    private void Work()
    {
        while (true)
        {
            Entry entry;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_closed) Monitor.Wait(_gate);
                if (_waiting.Count == 0) return;
                entry = _waiting.Dequeue();
            }
            try
            {
                entry.Result.SetResult(_work(entry.Item));
            }
            catch (Exception e)
            {
                entry.Result.SetException(e);
            }
        }
    }

    private void CancelWaiting()
    {
        List<Entry> dropped;
        lock (_gate)
        {
            dropped = [.. _waiting];
            _waiting.Clear();
        }
        foreach (var entry in dropped) entry.Result.TrySetCanceled(_stop.Token);
    }

    /// <summary>Drops the items no worker has started and waits for those running (their results are discarded); the
    /// workers end.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var entry in _submitted) ((IAsyncResult)entry.Result.Task).AsyncWaitHandle.WaitOne();
        _submitted.Clear();
        _onStop.Dispose();
        _stop.Dispose();
    }
}
