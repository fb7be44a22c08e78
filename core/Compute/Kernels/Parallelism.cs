namespace NasPS.Compute.Kernels;

/// <summary>The degree of parallelism kernels use (default: all cores). Results never depend on it: work is
/// partitioned over outputs, and every output is computed by the same sequence of operations whichever thread runs it.</summary>
public static class Parallelism
{
    private static int _degree = Environment.ProcessorCount;

    [ThreadStatic] private static int _threadLimit;

    /// <summary>The process-wide degree, capped on this thread by <see cref="Limit"/>.</summary>
    public static int Degree
    {
        get => _threadLimit > 0 ? Math.Min(_degree, _threadLimit) : _degree;
        set => _degree = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one thread.");
    }

    /// <summary>
    /// Caps the degree of kernels called from this thread until disposed. Callers that already run several independent
    /// jobs at once (architectures scored side by side) give each job its share of the cores: small kernels — batch-1
    /// float64 Synflow above all — lose more to fork/join than they gain from a second thread.
    /// </summary>
    public static IDisposable Limit(int degree)
    {
        if (degree < 1) throw new ArgumentOutOfRangeException(nameof(degree), degree, "At least one thread.");
        var restore = new LimitScope(_threadLimit);
        _threadLimit = degree;
        return restore;
    }

    private sealed class LimitScope(int previous) : IDisposable
    {
        public void Dispose() => _threadLimit = previous;
    }

    /// <summary>Runs body(0..count-1), on up to <see cref="Degree"/> threads; each index is one independent piece of output.</summary>
    internal static void For(int count, Action<int> body)
    {
        int degree = Math.Min(Degree, count);
        if (degree <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        For(count, new ParallelOptions { MaxDegreeOfParallelism = degree }, body);
    }

    /// <summary>Runs body(item, parallelGemm) for items 0..count-1 (images, or chunks of them), one per work item across
    /// the threads; too few items to occupy every thread run in turn, with parallelGemm true so that each item's GEMMs
    /// use the threads instead.</summary>
    internal static void ForEachItem(int count, Action<int, bool> body)
    {
        if (count >= Degree)
            For(count, n => body(n, false));
        else
            for (int n = 0; n < count; n++) body(n, true);
    }

    /// <summary>
    /// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> that fails the way the sequential loop would:
    /// with the worker's own exception (the first, its stack kept) rather than an <see cref="AggregateException"/>, so
    /// a caller's error handling (the CLI's usage errors, the cmdlets' error records) sees "needs 128 input images",
    /// not "One or more errors occurred". Workers that only saw the cancellation surface as one
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static void For(int count, ParallelOptions options, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, options, body);
        }
        catch (AggregateException e)
        {
            var inner = e.Flatten().InnerExceptions;
            var first = inner.FirstOrDefault(x => x is not OperationCanceledException) ?? inner.FirstOrDefault();
            if (first is null) throw;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
