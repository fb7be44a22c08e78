using NasPS.Proxies;
using Xunit;

namespace NasPS.Tests.Proxies;

/// <summary>OrderedParallel, under ProxyRunner and the Measure-* cmdlets: results in submission order, never more than
/// the limit running, a freed slot refilled at once, failures surfacing as themselves, and a prompt stop.</summary>
public class OrderedParallelTests
{
    [Fact]
    public void ResultsComeInOrder_NoMoreThanTheLimitRun_AndSlotsRefillWithoutAWindow()
    {
        int running = 0, most = 0;
        var started = new List<int>();
        using var work = new OrderedParallel<int, int>(2, i =>
        {
            int now = Interlocked.Increment(ref running);
            lock (started)
            {
                started.Add(i);
                most = Math.Max(most, now);
            }
            Thread.Sleep(i == 0 ? 300 : 5); // item 0 is slow: a window of two would hold item 1's slot idle behind it
            Interlocked.Decrement(ref running);
            return i * i;
        }, CancellationToken.None);
        for (int i = 0; i < 8; i++) work.Submit(i);
        Thread.Sleep(150);
        // While item 0 still runs, the other slot has gone through several items.
        lock (started) Assert.True(started.Count >= 4, $"only {started.Count} started while item 0 ran");
        Assert.False(work.TryTakeFinished(out _)); // the oldest is not done: nothing is handed out of order
        var results = new List<int>();
        while (work.Count > 0) results.Add(work.TakeOldest().Result);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i * i), results);
        Assert.True(most <= 2, $"{most} ran at once");
    }

    [Fact]
    public void AFailureSurfacesAsItself_AndDisposingStopsWhatHasNotStarted()
    {
        int ran = 0;
        var work = new OrderedParallel<int, int>(1, i =>
        {
            Interlocked.Increment(ref ran);
            if (i == 1) throw new InvalidDataException($"item {i} is bad");
            Thread.Sleep(20);
            return i;
        }, CancellationToken.None);
        for (int i = 0; i < 50; i++) work.Submit(i);
        Assert.Equal(0, work.TakeOldest().Result);
        Assert.Equal("item 1 is bad", Assert.Throws<InvalidDataException>(() => work.TakeOldest()).Message);
        work.Dispose();
        int afterDispose = Volatile.Read(ref ran);
        Thread.Sleep(100);
        Assert.Equal(afterDispose, Volatile.Read(ref ran));
        Assert.True(afterDispose < 50, $"{afterDispose} of 50 ran although the owner stopped after two");
    }

    [Fact]
    public void ACancelledOwnerGetsACancellation()
    {
        using var stop = new CancellationTokenSource();
        using var work = new OrderedParallel<int, int>(1, i => { Thread.Sleep(50); return i; }, stop.Token);
        for (int i = 0; i < 5; i++) work.Submit(i);
        stop.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => { while (work.Count > 0) work.TakeOldest(); });
    }
}
