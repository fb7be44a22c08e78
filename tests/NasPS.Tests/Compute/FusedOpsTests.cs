using NasPS.Compute;
using NasPS.Networks;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Compute;

/// <summary>The fused forms of ReLU → conv and BN → sum that inference uses: the same bits as the ops they stand for.</summary>
public class FusedOpsTests
{
    private static Tensor<float> Gaussian(Rng rng, params int[] shape)
    {
        var t = Tensors.Empty<float>(shape);
        Init.Normal(t, 0, 1, rng);
        return t;
    }

    [Theory]
    [InlineData(3, 1, 1)]  // 'same' 3×3
    [InlineData(1, 1, 0)]  // pointwise
    [InlineData(3, 2, 1)]  // strided
    public void ReluConv2dEqualsConv2dOfRelu(int kernel, int stride, int padding)
    {
        var rng = new Rng(11);
        using var scope = Tensors.NewScope();
        var x = Gaussian(rng, 2, 4, 16, 16);
        var w = Gaussian(rng, 6, 4, kernel, kernel);
        var bias = Gaussian(rng, 6);
        using (Tensors.NoGrad())
        {
            var fused = Ops.ReluConv2d(x, w, bias, (stride, stride), (padding, padding), (1, 1), 1);
            var separate = Ops.Conv2d(Ops.Relu(x), w, bias, stride, padding);
            Assert.Equal(separate.ToArray(), fused.ToArray());
        }
    }

    [Fact]
    public void ReluConv2dUnderAutogradIsTheTwoRecordedOps()
    {
        var rng = new Rng(12);
        using var scope = Tensors.NewScope();
        var x = Gaussian(rng, 2, 3, 8, 8);
        x.RequiresGrad = true;
        var w = Gaussian(rng, 5, 3, 3, 3);
        w.RequiresGrad = true;
        var y = Ops.ReluConv2d(x, w, null, (1, 1), (1, 1), (1, 1), 1);
        Ops.Sum(Ops.Mul(y, y)).Backward();
        var (dx, dw) = (x.Grad!.ToArray(), w.Grad!.ToArray());
        x.ZeroGrad();
        w.ZeroGrad();
        var z = Ops.Conv2d(Ops.Relu(x), w, null, 1, 1);
        Ops.Sum(Ops.Mul(z, z)).Backward();
        Assert.Equal(z.ToArray(), y.ToArray());
        Assert.Equal(x.Grad!.ToArray(), dx);
        Assert.Equal(w.Grad!.ToArray(), dw);
        Assert.Contains(dx, v => v == 0);
        Assert.Contains(dx, v => v != 0);
    }

    [Fact]
    public void SumOfDeferredBatchNormsEqualsBatchNormsThenAddN()
    {
        var rng = new Rng(13);
        using var scope = Tensors.NewScope();
        var a = Gaussian(rng, 3, 5, 6, 6);
        var b = Gaussian(rng, 3, 5, 6, 6);
        var plain = Gaussian(rng, 3, 5, 6, 6);
        var gamma = Gaussian(rng, 5);
        var beta = Gaussian(rng, 5);
        Tensor<float> RunningMean() => Tensors.Zeros<float>(5);
        Tensor<float> RunningVar() => Tensors.Ones<float>(5);
        using (Tensors.NoGrad())
        {
            var (meanA, varA, meanB, varB) = (RunningMean(), RunningVar(), RunningMean(), RunningVar());
            var expected = Ops.AddN([Ops.BatchNorm2d(a, gamma, beta, meanA, varA, true), plain, Ops.BatchNorm2d(b, null, null, meanB, varB, true)]);
            var (meanA2, varA2, meanB2, varB2) = (RunningMean(), RunningVar(), RunningMean(), RunningVar());
            var (scaleA, shiftA) = Ops.BatchNorm2dCoefficients(a, gamma, beta, meanA2, varA2, true);
            var (scaleB, shiftB) = Ops.BatchNorm2dCoefficients(b, null, null, meanB2, varB2, true);
            var fused = Ops.SumTerms<float>([new(a, scaleA, shiftA), new(plain), new(b, scaleB, shiftB)]);
            Assert.Equal(expected.ToArray(), fused.ToArray());
            Assert.Equal(meanA.ToArray(), meanA2.ToArray());
            Assert.Equal(varB.ToArray(), varB2.ToArray());
            Assert.NotEqual(new float[5], meanA2.ToArray());

            // One normalised term alone is batch_norm2d's output; one plain term is returned as it is.
            var single = Ops.SumTerms<float>([new(a, scaleA, shiftA)]);
            Assert.Equal(Ops.BatchNorm2d(a, gamma, beta, null, null, true).ToArray(), single.ToArray());
            Assert.Same(plain, Ops.SumTerms<float>([new(plain)]));
        }
        var bad = Assert.Throws<ArgumentException>(() => Ops.SumTerms<float>([new(a, new float[4], new float[4])]));
        Assert.Contains("4", bad.Message);
        a.RequiresGrad = true;
        Assert.Throws<InvalidOperationException>(() => Ops.BatchNorm2dCoefficients(a, gamma, beta, null, null, true));
    }

    [Theory]
    [InlineData(1, 1, 0, 1)]
    [InlineData(3, 1, 1, 1)]
    [InlineData(3, 2, 1, 1)]
    [InlineData(3, 1, 1, 4)]  // depthwise: ReLU first, then the direct route takes the moments
    public void ConvolutionPlaneMomentsEqualThoseOfItsOutputAndGiveTheSameBatchNorm(int kernel, int stride, int padding, int groups)
    {
        var rng = new Rng(14);
        using var scope = Tensors.NewScope();
        var x = Gaussian(rng, 3, 4, 16, 16);
        int outChannels = groups == 1 ? 5 : 4;
        var w = Gaussian(rng, outChannels, 4 / groups, kernel, kernel);
        using (Tensors.NoGrad())
        {
            var (y, moments) = Ops.ReluConv2dWithMoments(x, w, null, (stride, stride), (padding, padding), (1, 1), groups);
            Assert.Equal(Ops.ReluConv2d(x, w, null, (stride, stride), (padding, padding), (1, 1), groups).ToArray(), y.ToArray());
            var direct = PlaneMoments<float>.Of(y);
            for (int n = 0; n < 3; n++)
            for (int c = 0; c < outChannels; c++)
            {
                Assert.Equal(direct.Sum(n, c), moments.Sum(n, c));
                Assert.Equal(direct.SquaredDeviations(n, c), moments.SquaredDeviations(n, c));
            }
            var given = Ops.BatchNorm2dCoefficients(y, null, null, null, null, true, moments: moments);
            var taken = Ops.BatchNorm2dCoefficients(y, null, null, null, null, true);
            Assert.Equal(taken.Scale, given.Scale);
            Assert.Equal(taken.Shift, given.Shift);
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm2dCoefficients(Gaussian(rng, 3, 5, 4, 4), null, null, null, null, true, moments: moments));
        }
    }

    /// <summary>Batch statistics combine per-plane moments; in float32 that needs float64 plane sums, or a channel with a large
    /// mean and a small spread loses its variance (the between-plane term is first order in each plane mean's error).</summary>
    [Fact]
    public void Float32BatchNormStaysExactForALargeMeanAndASmallSpread()
    {
        var rng = new Rng(15);
        using var scope = Tensors.NewScope();
        var noise = Gaussian(rng, 2, 2, 16, 16);
        var xf = Tensors.Empty<float>(2, 2, 16, 16);
        var xd = Tensors.Empty<double>(2, 2, 16, 16);
        // Planes whose means differ by about the spread (the between-plane term carries half the variance).
        for (int i = 0; i < xf.Length; i++)
        {
            int plane = i / 256;
            xf.Span[i] = 100f + 0.01f * (noise.Span[i] + (plane % 2 == 0 ? 1 : -1));
            xd.Span[i] = xf.Span[i];
        }
        var (scaleF, shiftF) = Ops.BatchNorm2dCoefficients(xf, null, null, null, null, true);
        var (scaleD, _) = Ops.BatchNorm2dCoefficients(xd, null, null, null, null, true);
        for (int c = 0; c < 2; c++)
            Assert.True(Math.Abs(scaleF[c] / scaleD[c] - 1) < 1e-6, $"channel {c}: 1/σ is {scaleF[c]} in float32, {scaleD[c]} in float64");
        Assert.NotEqual(0f, shiftF[0]);
    }

    /// <summary>The dedicated 3×3 / stride 1 / padding 1 average pool (vector rows and scalar tails) against direct window sums.</summary>
    [Theory]
    [InlineData(2, 3, 9, 17, false)]
    [InlineData(2, 3, 9, 17, true)]
    [InlineData(1, 2, 1, 20, false)]
    [InlineData(2, 2, 16, 16, false)]
    [InlineData(1, 1, 8, 8, true)]
    [InlineData(3, 2, 2, 2, false)]
    [InlineData(1, 3, 5, 1, false)]
    public void AvgPool3x3SameMatchesDirectWindowSums(int n, int c, int h, int w, bool countIncludePad)
    {
        var rng = new Rng(16);
        using var scope = Tensors.NewScope();
        var x = Gaussian(rng, n, c, h, w);
        var y = Ops.AvgPool2d(x, 3, 1, 1, countIncludePad).ToArray();
        var xs = x.ToArray();
        for (int plane = 0; plane < n * c; plane++)
        for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
        {
            double sum = 0;
            int count = 0;
            for (int a = i - 1; a <= i + 1; a++)
            for (int b = j - 1; b <= j + 1; b++)
                if (a >= 0 && a < h && b >= 0 && b < w)
                {
                    sum += xs[(plane * h + a) * w + b];
                    count++;
                }
            double expected = sum / (countIncludePad ? 9 : count);
            float actual = y[(plane * h + i) * w + j];
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"plane {plane} ({i}, {j}): {actual}, expected {expected}");
        }
    }

    /// <summary>Many planes, summed in blocks that start mid-way through the channels (32 planes of 3 channels per block):
    /// each plane still gets its own channel's coefficients.</summary>
    [Fact]
    public void SumOfTermsOverBlocksKeepsEachPlanesChannel()
    {
        var rng = new Rng(19);
        using var scope = Tensors.NewScope();
        var a = Gaussian(rng, 40, 3, 16, 16);
        var b = Gaussian(rng, 40, 3, 16, 16);
        var plain = Gaussian(rng, 40, 3, 16, 16);
        using (Tensors.NoGrad())
        {
            var expected = Ops.AddN([Ops.BatchNorm2d(a, null, null, null, null, true), plain, Ops.BatchNorm2d(b, null, null, null, null, true)]);
            var (scaleA, shiftA) = Ops.BatchNorm2dCoefficients(a, null, null, null, null, true);
            var (scaleB, shiftB) = Ops.BatchNorm2dCoefficients(b, null, null, null, null, true);
            Assert.Equal(expected.ToArray(), Ops.SumTerms<float>([new(a, scaleA, shiftA), new(plain), new(b, scaleB, shiftB)]).ToArray());
            var plainFirst = Ops.AddN([plain, Ops.BatchNorm2d(a, null, null, null, null, true)]);
            Assert.Equal(plainFirst.ToArray(), Ops.SumTerms<float>([new(plain), new(a, scaleA, shiftA)]).ToArray());
        }
    }

    [Fact]
    public void PooledTermsEqualTheAveragePoolThenTheSum()
    {
        var rng = new Rng(17);
        using var scope = Tensors.NewScope();
        var a = Gaussian(rng, 3, 4, 9, 16);
        var b = Gaussian(rng, 3, 4, 9, 16);
        using (Tensors.NoGrad())
        {
            var (scale, shift) = Ops.BatchNorm2dCoefficients(b, null, null, null, null, true);
            var expected = Ops.AddN([Ops.AvgPool2d(a, 3, 1, 1, countIncludePad: false), Ops.BatchNorm2d(b, null, null, null, null, true), a]);
            var fused = Ops.SumTerms<float>([new(a, AveragePool3x3: true), new(b, scale, shift), new(a)]);
            Assert.Equal(expected.ToArray(), fused.ToArray());
            Assert.Equal(Ops.AvgPool2d(a, 3, 1, 1, countIncludePad: false).ToArray(), Ops.SumTerms<float>([new(a, AveragePool3x3: true)]).ToArray());
            Assert.Throws<ArgumentException>(() => Ops.SumTerms<float>([new(b, scale, shift, AveragePool3x3: true)]));
        }
    }

    [Theory]
    [InlineData(2, 3, 32, 34)]
    [InlineData(1, 2, 7, 33)]
    [InlineData(1, 1, 16, 64)]
    public void AvgPool2x2Stride2MatchesDirectWindowSums(int n, int c, int h, int w)
    {
        var rng = new Rng(18);
        using var scope = Tensors.NewScope();
        var x = Gaussian(rng, n, c, h, w);
        var y = Ops.AvgPool2d(x, 2, 2);
        Assert.Equal([n, c, h / 2, w / 2], y.Shape.ToArray());
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int plane = 0; plane < n * c; plane++)
        for (int i = 0; i < h / 2; i++)
        for (int j = 0; j < w / 2; j++)
        {
            int at = (plane * h + 2 * i) * w + 2 * j;
            float expected = ((xs[at] + xs[at + 1]) + (xs[at + w] + xs[at + w + 1])) / 4;
            Assert.Equal(expected, ys[(plane * (h / 2) + i) * (w / 2) + j]);
        }
    }
}
