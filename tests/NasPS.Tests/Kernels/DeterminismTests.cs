using NasPS.Compute.Kernels;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Kernels;

/// <summary>The determinism contract: bit-identical results on one thread and on two, on every route
/// (parallel over images, parallel inside the GEMM for a single image, chunked batch reduction, depthwise).
/// One test trims the process-wide buffer pools, so the class runs with no other test in parallel (a trim between
/// another test's Return and Rent would break that test's reuse check).</summary>
[Collection(nameof(Compute.PoolAccounting))]
public class DeterminismTests
{
    public static TheoryData<string, Conv2dShape> Shapes() => new()
    {
        { "single image, GEMM split", new Conv2dShape(1, 32, 16, 16, 48, 3, 3, PadH: 1, PadW: 1) },
        { "batch of 5", new Conv2dShape(5, 16, 8, 8, 16, 3, 3, PadH: 1, PadW: 1) },
        { "1×1 single image", new Conv2dShape(1, 64, 8, 8, 64, 1, 1) },
        { "weight gradient over several chunks", new Conv2dShape(70, 8, 8, 8, 12, 3, 3, 2, 2, 1, 1) },
        { "depthwise", new Conv2dShape(3, 8, 9, 9, 8, 3, 3, PadH: 1, PadW: 1, Groups: 8) },
        // 12 images of 8×8 per chunk on one thread; 11 on two, so that both threads get three chunks.
        { "forward chunks sized for the thread count", new Conv2dShape(64, 8, 8, 8, 12, 3, 3, PadH: 1, PadW: 1) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvolutionIsIdenticalOnOneAndTwoThreads(string name, Conv2dShape s)
    {
        var rng = new Rng(7);
        float[] x = Floats(rng, s.InputLength), w = Floats(rng, s.WeightLength), b = Floats(rng, s.Cout), dy = Floats(rng, s.OutputLength);
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++)
            Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"{name}: output {i} differs between 1 and 2 threads.");

        float[][] Run(int degree)
        {
            int saved = Parallelism.Degree;
            Parallelism.Degree = degree;
            try
            {
                var y = new float[s.OutputLength];
                var dx = new float[s.InputLength];
                var dw = new float[s.WeightLength];
                var db = new float[s.Cout];
                Conv2dKernel.Forward<float>(x, w, b, y, s);
                Conv2dKernel.BackwardInput<float>(dy, w, dx, s);
                Conv2dKernel.BackwardWeight<float>(x, dy, dw, db, s);
                return [y, dx, dw, db];
            }
            finally
            {
                Parallelism.Degree = saved;
            }
        }
    }

    [Fact]
    public void GemmIsIdenticalOnOneAndTwoThreads()
    {
        var rng = new Rng(11);
        int m = 150, n = 300, k = 700;
        double[] a = Doubles(rng, m * k), b = Doubles(rng, k * n);
        double[] Run(int degree, int rows, int cols)
        {
            int saved = Parallelism.Degree;
            Parallelism.Degree = degree;
            try
            {
                var c = new double[rows * cols];
                Gemm.Multiply(false, false, rows, cols, k, 1.0, a, k, b, n, 0.0, c, cols);
                return c;
            }
            finally { Parallelism.Degree = saved; }
        }
        Assert.True(Run(1, m, n).AsSpan().SequenceEqual(Run(2, m, n)), "wide GEMM (split by columns) differs");
        Assert.True(Run(1, m, 20).AsSpan().SequenceEqual(Run(2, m, 20)), "tall GEMM (split by rows) differs");
    }

    /// <summary>Trimming the pools also releases the kernels' work buffers (each thread drops its own at its next
    /// use); the next calls, including those after a larger shape grew the buffers, must give the same results.</summary>
    [Fact]
    public void ConvolutionIsIdenticalAfterTheWorkBuffersAreReleased()
    {
        var rng = new Rng(13);
        var small = new Conv2dShape(6, 16, 8, 8, 16, 3, 3, PadH: 1, PadW: 1);
        var large = new Conv2dShape(4, 32, 32, 32, 32, 3, 3, PadH: 1, PadW: 1);
        float[] x = Floats(rng, small.InputLength), w = Floats(rng, small.WeightLength), dy = Floats(rng, small.OutputLength);
        float[] xl = Floats(rng, large.InputLength), wl = Floats(rng, large.WeightLength);
        float[][] Run()
        {
            var y = new float[small.OutputLength];
            var dx = new float[small.InputLength];
            var dw = new float[small.WeightLength];
            Conv2dKernel.Forward<float>(x, w, [], y, small);
            Conv2dKernel.BackwardInput<float>(dy, w, dx, small);
            Conv2dKernel.BackwardWeight<float>(x, dy, dw, [], small);
            return [y, dx, dw];
        }
        var before = Run();
        NasPS.Compute.BufferPool.Trim();
        var afterTrim = Run();
        Conv2dKernel.Forward<float>(xl, wl, [], new float[large.OutputLength], large);
        NasPS.Compute.BufferPool.Trim();
        GC.Collect();
        var afterLarge = Run();
        for (int i = 0; i < before.Length; i++)
        {
            Assert.True(before[i].AsSpan().SequenceEqual(afterTrim[i]), $"output {i} differs after a trim");
            Assert.True(before[i].AsSpan().SequenceEqual(afterLarge[i]), $"output {i} differs after a larger shape and a trim");
        }
    }

    private static float[] Floats(Rng rng, long length) => KernelTestData.Gaussian(rng, length).Select(v => (float)v).ToArray();
    private static double[] Doubles(Rng rng, long length) => KernelTestData.Gaussian(rng, length);
}
