using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Kernels;

/// <summary>The Winograd F(2×2, 3×3) route against the exact convolution (double loop nest) and against the direct route.</summary>
public class WinogradTests
{
    // The transforms add roundings: B'·d·B sums up to 4 inputs, G·w·G' up to 9 weights (times 1/4), A'·M·A up to 9
    // products. On these shapes the error stays inside the direct route's own bound (growth 1 passes); 2 leaves margin,
    // and a dropped or misplaced term (about magnitude/k) is still far above it.
    private const int TransformGrowth = 2;

    public static TheoryData<string, Conv2dShape> Shapes() => new()
    {
        { "NB201 C16 32×32", new Conv2dShape(3, 16, 32, 32, 16, 3, 3, PadH: 1, PadW: 1) },
        { "NB201 C32 16×16, 24 out", new Conv2dShape(5, 32, 16, 16, 24, 3, 3, PadH: 1, PadW: 1) },
        { "NB201 C64 8×8", new Conv2dShape(4, 64, 8, 8, 64, 3, 3, PadH: 1, PadW: 1) },
        // 25 images of 8×8 fill a chunk here: the second chunk is partial, 240 columns (not whole GEMM tiles).
        { "8×8 over two chunks", new Conv2dShape(40, 8, 8, 8, 12, 3, 3, PadH: 1, PadW: 1) },
        { "32 wide, 6 high, 3 in, 5 out", new Conv2dShape(2, 3, 6, 32, 5, 3, 3, PadH: 1, PadW: 1) },
        { "16 wide, 4 high", new Conv2dShape(3, 5, 4, 16, 7, 3, 3, PadH: 1, PadW: 1) },
        // More input channels than one GEMM depth block (320): the weights are transformed, then packed block by block.
        { "Cin over one depth block", new Conv2dShape(2, 336, 8, 8, 10, 3, 3, PadH: 1, PadW: 1) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheExactConvolution(string name, Conv2dShape s)
    {
        Assert.True(KernelPaths.Best != KernelPath.Avx512 || ConvRoute(s), $"{name}: the Winograd route should apply");
        var rng = new Rng((ulong)name.GetHashCode(StringComparison.Ordinal) ^ 0x3a3);
        var (x, xe) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.InputLength));
        var (w, we) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.WeightLength));
        int k = s.Cin * 9;
        foreach (bool rectify in new[] { false, true })
        {
            var input = rectify ? xe.Select(v => Math.Max(v, 0)).ToArray() : xe;
            var (expected, magnitude) = ReferenceConv.Forward(input, we, null, s);
            var y = new float[s.OutputLength];
            Array.Fill(y, float.NaN);
            var moments = new double[2 * s.N * s.Cout];
            Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, s, rectify, moments, ConvolutionAlgorithm.Winograd);
            KernelTestData.AssertClose<float>(y, expected, magnitude.Select(m => m * TransformGrowth).ToArray(), k,
                $"{name}{(rectify ? " rectified" : "")}");
            var taken = PlaneMoments<float>.Of(Tensors.FromArray(y, s.N, s.Cout, s.OutH, s.OutW));
            for (int n = 0; n < s.N; n++)
            for (int c = 0; c < s.Cout; c++)
            {
                Assert.Equal(taken.Sum(n, c), moments[2 * (n * s.Cout + c)]);
                Assert.Equal(taken.SquaredDeviations(n, c), moments[2 * (n * s.Cout + c) + 1]);
            }
        }
    }

    /// <summary>The rounding differs from the direct route, but not by more than the direct route's own error allows.</summary>
    [Fact]
    public void DiffersFromTheDirectRouteOnlyByRounding()
    {
        var s = new Conv2dShape(2, 16, 32, 32, 16, 3, 3, PadH: 1, PadW: 1);
        var rng = new Rng(91);
        var (x, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.InputLength));
        var (w, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.WeightLength));
        var direct = new float[s.OutputLength];
        var winograd = new float[s.OutputLength];
        Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, direct, s);
        Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, winograd, s, algorithm: ConvolutionAlgorithm.Winograd);
        if (KernelPaths.Best == KernelPath.Avx512) Assert.NotEqual(direct, winograd);
        double largest = direct.Max(Math.Abs), worst = 0;
        for (int i = 0; i < direct.Length; i++) worst = Math.Max(worst, Math.Abs(direct[i] - winograd[i]));
        Assert.True(worst < 1e-5 * largest, $"largest difference {worst:g3} against outputs up to {largest:g3}");
    }

    /// <summary>Where the route does not apply, asking for it gives the direct route's result bit for bit.</summary>
    [Theory]
    [InlineData(2, 4, 12, 12, 1, false)]  // width 12: tile rows of 6 neither fill nor divide a vector
    [InlineData(2, 4, 16, 16, 2, false)]  // stride 2
    [InlineData(2, 4, 16, 16, 1, true)]   // bias
    [InlineData(1, 4, 4, 8, 1, false)]    // 8 tiles: not a whole vector
    [InlineData(1, 4, 4, 64, 1, false)]   // width 64
    public void FallsBackToTheDirectRoute(int n, int c, int h, int width, int stride, bool withBias)
    {
        var s = new Conv2dShape(n, c, h, width, 6, 3, 3, stride, stride, 1, 1);
        Assert.False(ConvRoute(s) && !withBias);
        var rng = new Rng(5);
        var (x, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.InputLength));
        var (w, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.WeightLength));
        var bias = withBias ? new float[] { 1, 2, 3, 4, 5, 6 } : [];
        var direct = new float[s.OutputLength];
        var asked = new float[s.OutputLength];
        Conv2dKernel.Forward<float>(x, w, bias, direct, s, rectifyInput: true);
        Conv2dKernel.Forward<float>(x, w, bias, asked, s, rectifyInput: true, algorithm: ConvolutionAlgorithm.Winograd);
        Assert.Equal(direct, asked);
        // Doubles never take it either.
        var xd = x.Select(v => (double)v).ToArray();
        var wd = w.Select(v => (double)v).ToArray();
        var same = new Conv2dShape(2, 4, 16, 16, 6, 3, 3, PadH: 1, PadW: 1);
        var dd = new double[same.OutputLength];
        var dw = new double[same.OutputLength];
        var rngD = new Rng(6);
        var xs = KernelTestData.Gaussian(rngD, same.InputLength);
        var ws = KernelTestData.Gaussian(rngD, same.WeightLength);
        Conv2dKernel.Forward<double>(xs, ws, ReadOnlySpan<double>.Empty, dd, same);
        Conv2dKernel.Forward<double>(xs, ws, ReadOnlySpan<double>.Empty, dw, same, algorithm: ConvolutionAlgorithm.Winograd);
        Assert.Equal(dd, dw);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreads()
    {
        // 16 images of 16×16 with 32 channels: chunks of 2 images, shared out over the threads.
        var s = new Conv2dShape(16, 32, 16, 16, 32, 3, 3, PadH: 1, PadW: 1);
        var rng = new Rng(17);
        var (x, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.InputLength));
        var (w, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.WeightLength));
        var one = new float[s.OutputLength];
        var two = new float[s.OutputLength];
        using (Parallelism.Limit(1)) Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, one, s, algorithm: ConvolutionAlgorithm.Winograd);
        using (Parallelism.Limit(2)) Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, two, s, algorithm: ConvolutionAlgorithm.Winograd);
        Assert.Equal(one, two);
        // One image: the chunk's GEMMs are split over the threads instead.
        var single = s with { N = 1 };
        var a = new float[single.OutputLength];
        var b = new float[single.OutputLength];
        using (Parallelism.Limit(1)) Conv2dKernel.Forward<float>(x.AsSpan(0, (int)single.InputLength), w, ReadOnlySpan<float>.Empty, a, single, algorithm: ConvolutionAlgorithm.Winograd);
        using (Parallelism.Limit(2)) Conv2dKernel.Forward<float>(x.AsSpan(0, (int)single.InputLength), w, ReadOnlySpan<float>.Empty, b, single, algorithm: ConvolutionAlgorithm.Winograd);
        Assert.Equal(a, b);
        Assert.Equal(one.AsSpan(0, a.Length).ToArray(), a);
    }

    /// <summary>Ops: forwards that record no gradient take the thread's inference algorithm (Winograd unless a scope says
    /// direct); a forward that records one is always direct, so its backward pass differentiates what it computed.</summary>
    [Fact]
    public void OpsUseWinogradOnlyWhereNoGradientIsRecorded()
    {
        var s = new Conv2dShape(2, 16, 16, 16, 16, 3, 3, PadH: 1, PadW: 1);
        var rng = new Rng(23);
        var (xs, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.InputLength));
        var (ws, _) = KernelTestData.Rounded<float>(KernelTestData.Gaussian(rng, s.WeightLength));
        float[] Kernel(ConvolutionAlgorithm algorithm, bool rectify)
        {
            var y = new float[s.OutputLength];
            Conv2dKernel.Forward<float>(xs, ws, ReadOnlySpan<float>.Empty, y, s, rectify, algorithm: algorithm);
            return y;
        }
        var x = Tensors.FromArray<float>(xs, 2, 16, 16, 16);
        var w = Tensors.FromArray<float>(ws, 16, 16, 3, 3);
        (int, int) one = (1, 1);
        Assert.Equal(ConvolutionAlgorithm.Winograd, Ops.InferenceConvolution);
        using (Tensors.NoGrad())
        {
            Assert.Equal(Kernel(ConvolutionAlgorithm.Winograd, false), Ops.Conv2d(x, w, null, 1, 1).ToArray());
            Assert.Equal(Kernel(ConvolutionAlgorithm.Winograd, true), Ops.ReluConv2d(x, w, null, one, one, one, 1).ToArray());
            Assert.Equal(Kernel(ConvolutionAlgorithm.Winograd, true), Ops.ReluConv2dWithMoments(x, w, null, one, one, one, 1).Output.ToArray());
            using (Ops.UseInferenceConvolution(ConvolutionAlgorithm.Direct))
            {
                Assert.Equal(ConvolutionAlgorithm.Direct, Ops.InferenceConvolution);
                Assert.Equal(Kernel(ConvolutionAlgorithm.Direct, false), Ops.Conv2d(x, w, null, 1, 1).ToArray());
                Assert.Equal(Kernel(ConvolutionAlgorithm.Direct, true), Ops.ReluConv2dWithMoments(x, w, null, one, one, one, 1).Output.ToArray());
            }
            Assert.Equal(ConvolutionAlgorithm.Winograd, Ops.InferenceConvolution);
        }
        w.RequiresGrad = true;
        Assert.Equal(Kernel(ConvolutionAlgorithm.Direct, false), Ops.Conv2d(x, w, null, 1, 1).ToArray());
        Assert.Equal(Kernel(ConvolutionAlgorithm.Direct, true), Ops.ReluConv2d(x, w, null, one, one, one, 1).ToArray());
        if (KernelPaths.Best == KernelPath.Avx512)
            Assert.NotEqual(Kernel(ConvolutionAlgorithm.Direct, false), Kernel(ConvolutionAlgorithm.Winograd, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.UseInferenceConvolution((ConvolutionAlgorithm)7));
    }

    /// <summary>A convolution on one thread allocates a few objects per call, not per GEMM: the Winograd route runs 16
    /// GEMMs per span of tiles (1,024 for 16 images of 32×32 here), and a closure allocated by each once made a
    /// gen0 collection every few networks, and fresh pages for the next.</summary>
    [Fact]
    public void AConvolutionAllocatesPerCallNotPerGemm()
    {
        var s = new Conv2dShape(16, 16, 32, 32, 16, 3, 3, PadH: 1, PadW: 1);
        var x = new float[s.InputLength];
        var w = new float[s.WeightLength];
        var y = new float[s.OutputLength];
        var moments = new double[2 * s.N * s.Cout];
        using (Parallelism.Limit(1))
        {
            foreach (var algorithm in new[] { ConvolutionAlgorithm.Winograd, ConvolutionAlgorithm.Direct })
            {
                Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, s, true, moments, algorithm);  // warm: JIT, scratch
                long before = GC.GetAllocatedBytesForCurrentThread();
                Conv2dKernel.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, s, true, moments, algorithm);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < 2048, $"{algorithm}: {allocated} bytes allocated by one convolution");
            }
        }
    }

    private static bool ConvRoute(in Conv2dShape s) =>
        s.KH == 3 && s.StrideH == 1 && s.PadH == 1 && s.H % 2 == 0 && s.W is 8 or 16 or 32 && s.H / 2 * (s.W / 2) % 16 == 0;
}
