using NasPS.Compute.Kernels;
using Xunit;

namespace NasPS.Tests.Kernels;

public class KernelPathTests
{
    [Fact]
    public void ForcedPathIsScopedToTheThread()
    {
        var best = KernelPaths.Best;
        using (KernelPaths.Force(KernelPath.Scalar))
        {
            Assert.Equal(KernelPath.Scalar, KernelPaths.Current);
            KernelPath seenElsewhere = KernelPath.Scalar;
            var other = new Thread(() => seenElsewhere = KernelPaths.Current);
            other.Start();
            other.Join();
            Assert.Equal(best, seenElsewhere);
        }
        Assert.Equal(best, KernelPaths.Current);
    }
}
