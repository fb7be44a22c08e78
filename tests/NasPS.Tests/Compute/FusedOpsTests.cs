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
            var fused = Ops.SumChannelAffine<float>([new(a, scaleA, shiftA), new(plain), new(b, scaleB, shiftB)]);
            Assert.Equal(expected.ToArray(), fused.ToArray());
            Assert.Equal(meanA.ToArray(), meanA2.ToArray());
            Assert.Equal(varB.ToArray(), varB2.ToArray());
            Assert.NotEqual(new float[5], meanA2.ToArray());

            // One normalised term alone is batch_norm2d's output; one plain term is returned as it is.
            var single = Ops.SumChannelAffine<float>([new(a, scaleA, shiftA)]);
            Assert.Equal(Ops.BatchNorm2d(a, gamma, beta, null, null, true).ToArray(), single.ToArray());
            Assert.Same(plain, Ops.SumChannelAffine<float>([new(plain)]));
        }
        var bad = Assert.Throws<ArgumentException>(() => Ops.SumChannelAffine<float>([new(a, new float[4], new float[4])]));
        Assert.Contains("4", bad.Message);
        a.RequiresGrad = true;
        Assert.Throws<InvalidOperationException>(() => Ops.BatchNorm2dCoefficients(a, gamma, beta, null, null, true));
    }
}
