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
}
