using NasPS.Compute.Kernels;
using Xunit;

namespace NasPS.Tests.Kernels;

/// <summary>Parallelism.Limit: a per-thread cap on the kernels' degree, used when architectures are scored side by side.</summary>
public class ParallelismLimitTests
{
    [Fact]
    public void Limit_CapsOnlyTheCallingThread_NestsAndRestores()
    {
        int global = Parallelism.Degree;
        using (Parallelism.Limit(1))
        {
            Assert.Equal(1, Parallelism.Degree);
            int elsewhere = 0;
            var other = new Thread(() => elsewhere = Parallelism.Degree);
            other.Start();
            other.Join();
            Assert.Equal(global, elsewhere);
            using (Parallelism.Limit(64)) Assert.Equal(global, Parallelism.Degree); // a cap never raises the degree
            Assert.Equal(1, Parallelism.Degree);
        }
        Assert.Equal(global, Parallelism.Degree);
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Limit(0));
    }

    [Fact]
    public void For_FailsWithTheWorkersOwnException_NotAnAggregate()
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        var error = Assert.Throws<ArgumentException>(() => Parallelism.For(8, options, i =>
        {
            if (i == 5) throw new ArgumentException("item 5 is bad");
        }));
        Assert.Equal("item 5 is bad", error.Message);
        Assert.Contains(nameof(For_FailsWithTheWorkersOwnException_NotAnAggregate), error.StackTrace); // thrown where it happened

        using var stop = new CancellationTokenSource();
        var cancelled = new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = stop.Token };
        Assert.ThrowsAny<OperationCanceledException>(() => Parallelism.For(1000, cancelled, i =>
        {
            stop.Cancel();
            stop.Token.ThrowIfCancellationRequested();
        }));
    }
}
