using NasPS.Compute;
using Xunit;

namespace NasPS.Tests.Compute;

/// <summary>Runs apart from the other tests: the reuse check empties the shared pool first (a pool at its retain limit
/// drops a returned buffer instead of keeping it), which must not race other tests' buffers.</summary>
[Collection(nameof(PoolAccounting))]
public class TensorScopeTests
{
    [Fact]
    public void TensorsOfAScopeAreReturnedWhenItEnds()
    {
        Tensor<float> inner;
        using (Tensors.NewScope())
        {
            inner = Tensors.Full(2f, 3, 4);
            Assert.Equal(2f, inner.Span[5]);
        }
        var e = Assert.Throws<ObjectDisposedException>(() => inner.Span[0]);
        Assert.Contains("scope", e.Message);
    }

    [Fact]
    public void MovedTensorsOutliveTheirScope()
    {
        using var outer = Tensors.NewScope();
        Tensor<double> kept, view, dropped;
        using (var inner = Tensors.NewScope())
        {
            kept = Tensors.Full(1.5, 2, 3);
            view = Ops.Reshape(kept, 6); // shares the buffer
            dropped = Tensors.Ones<double>(2);
            kept.MoveToOuterScope();
            Assert.Equal(1, inner.OwnedCount);
        }
        Assert.Equal(1.5, kept.Span[4]);
        Assert.Equal(1.5, view.Span[5]);
        Assert.Throws<ObjectDisposedException>(() => dropped.Span[0]);
        Assert.Equal(1, outer.OwnedCount);
    }

    [Fact]
    public void TensorsOutsideAnyScopeBelongToTheGc()
    {
        Assert.Null(TensorScope.Current);
        var t = Tensors.Full(3f, 4);
        using (Tensors.NewScope()) { }
        Assert.Equal(3f, t.Span[3]);
    }

    [Fact]
    public void ScopesMustEndInnermostFirst()
    {
        var outer = Tensors.NewScope();
        var inner = Tensors.NewScope();
        var e = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("innermost", e.Message);
        inner.Dispose();
        outer.Dispose();
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void ThePoolReusesAReturnedBufferOfTheSameLength()
    {
        const int oddLength = 123_457; // no other test asks for this length
        // Earlier tests can leave the pool at its retain limit, and then a return is dropped, not kept: start empty.
        BufferPool.Trim();
        var a = BufferPool<float>.Rent(oddLength);
        BufferPool<float>.Return(a);
        var b = BufferPool<float>.Rent(oddLength);
        Assert.Same(a, b);
        var c = BufferPool<float>.Rent(oddLength);
        Assert.NotSame(b, c);
        BufferPool<float>.Return(b);
        BufferPool<float>.Return(c);
    }

    [Fact]
    public void ScopesOnManyThreadsAtOnceKeepTheirOwnTensors()
    {
        var failures = 0;
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var scope = Tensors.NewScope();
            var t = Tensors.Full((double)i, 1000 + i % 3);
            var u = Ops.Scale(t, 2.0);
            Thread.Yield();
            foreach (var v in u.ReadOnlySpan)
                if (v != 2.0 * i) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void ShapesAreCheckedWithClearMessages()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensors.FromArray<float>([1f, 2f, 3f], 2, 2));
        Assert.Contains("[2, 2]", e.Message);
        var x = Tensors.Zeros<float>(2, 3);
        var r = Assert.Throws<ArgumentException>(() => Ops.Reshape(x, 4, -1));
        Assert.Contains("[2, 3]", r.Message);
        var c = Assert.Throws<ArgumentException>(() => Ops.Conv2d(Tensors.Zeros<float>(1, 3, 5, 5), Tensors.Zeros<float>(4, 2, 3, 3)));
        Assert.Contains("input channels", c.Message);
        var a = Assert.Throws<ArgumentException>(() => Ops.Add(x, Tensors.Zeros<float>(3, 2)));
        Assert.Contains("add", a.Message);
    }
}
