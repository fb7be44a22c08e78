using NasPS.Compute;
using Xunit;

namespace NasPS.Tests.Compute;

public class AutogradTests
{
    [Fact]
    public void ASharedInputGetsTheSumOfItsGradients()
    {
        using var scope = Tensors.NewScope();
        var x = Tensors.FromArray<double>([1, -2, 3], 3);
        x.RequiresGrad = true;
        Ops.Sum(Ops.Add(Ops.Mul(x, x), x)).Backward(); // d/dx (x² + x) = 2x + 1
        Assert.Equal([3.0, -3.0, 7.0], x.Grad!.ToArray());
    }

    /// <summary>AddN hands its output gradient to every term; a term that appears more than once (an NB201 node reached
    /// through two skip connections from one tensor) must get it once per appearance, and the terms after it the
    /// gradient itself, not a running sum.</summary>
    [Theory]
    [InlineData(new[] { 0, 0, 0 }, 3.0, 0.0)]
    [InlineData(new[] { 0, 0, 1 }, 2.0, 1.0)]
    [InlineData(new[] { 1, 0, 0, 1, 0 }, 3.0, 2.0)]
    public void ATermRepeatedInASumGetsTheGradientOncePerAppearance(int[] which, double perA, double perB)
    {
        using var scope = Tensors.NewScope();
        var a = Tensors.FromArray<double>([1, -2, 3], 3);
        var b = Tensors.FromArray<double>([4, 5, -6], 3);
        a.RequiresGrad = b.RequiresGrad = true;
        // Non-leaf terms: their gradients wait in the engine's pending sums, where the sharing happens.
        var x = Ops.Scale(a, 2.0);
        var z = Ops.Scale(b, 0.5);
        Ops.Sum(Ops.AddN(which.Select(w => w == 0 ? x : z).ToList())).Backward();
        Assert.Equal([2 * perA, 2 * perA, 2 * perA], a.Grad!.ToArray());
        Assert.Equal([0.5 * perB, 0.5 * perB, 0.5 * perB], b.Grad?.ToArray() ?? [0.0, 0.0, 0.0]);
    }

    [Fact]
    public void GradientsAccumulateUntilCleared()
    {
        using var scope = Tensors.NewScope();
        var w = Tensors.FromArray<float>([2f, 5f], 2);
        w.RequiresGrad = true;
        Ops.Sum(Ops.Scale(w, 3f)).Backward();
        Ops.Sum(Ops.Scale(w, 3f)).Backward();
        Assert.Equal([6f, 6f], w.Grad!.ToArray());
        w.ZeroGrad();
        Assert.Equal([0f, 0f], w.Grad!.ToArray());
    }

    [Fact]
    public void ViewsOfTheOutputGradientFlowThroughReshape()
    {
        using var scope = Tensors.NewScope();
        var x = Tensors.FromArray<double>([1, 2, 3, 4, 5, 6], 2, 3);
        x.RequiresGrad = true;
        var r = Ops.Reshape(x, 3, 2);
        var y = Ops.Add(Ops.Reshape(r, 6), Ops.Reshape(Ops.Scale(r, 2.0), 6));
        y.Backward(Tensors.FromArray<double>([1, 1, 1, 1, 1, 10], 6));
        Assert.Equal([3.0, 3, 3, 3, 3, 30], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        using var scope = Tensors.NewScope();
        var x = Tensors.Ones<float>(2);
        x.RequiresGrad = true;
        Tensor<float> y;
        using (Tensors.NoGrad())
        {
            Assert.False(Tensors.IsGradEnabled);
            y = Ops.Sum(Ops.Relu(x));
        }
        Assert.True(Tensors.IsGradEnabled);
        Assert.False(y.RequiresGrad);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void BackwardFromANonScalarNeedsAGradient()
    {
        using var scope = Tensors.NewScope();
        var x = Tensors.Ones<float>(2, 2);
        x.RequiresGrad = true;
        var y = Ops.Relu(x);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Throws<ArgumentException>(() => y.Backward(Tensors.Ones<float>(4)));
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Fact]
    public void ALeafOutsideTheScopeKeepsItsGradientAfterTheScope()
    {
        var w = Tensors.FromArray<double>([1, 2], 2);
        w.RequiresGrad = true;
        using (Tensors.NewScope())
        {
            var x = Tensors.FromArray<double>([3, 4], 2);
            Ops.Sum(Ops.Mul(w, x)).Backward();
        }
        Assert.Equal([3.0, 4.0], w.Grad!.ToArray());
    }

    [Fact]
    public void InputGradientsAreComputedOnlyWhenRequested()
    {
        using var scope = Tensors.NewScope();
        var x = Tensors.Ones<float>(1, 2, 4, 4);
        var w = Tensors.Ones<float>(3, 2, 3, 3);
        w.RequiresGrad = true;
        Ops.Sum(Ops.Conv2d(x, w, padding: 1)).Backward();
        Assert.Null(x.Grad);
        Assert.NotNull(w.Grad);
        Assert.Equal(16f, w.Grad!.Span[4]); // centre tap sees every pixel
    }
}

public class RetainGradTests
{
    [Fact]
    public void ARetainedIntermediateGradientIsKept()
    {
        using var scope = Tensors.NewScope();
        var x = Tensors.FromArray<double>([1, -2, 3], 3);
        x.RequiresGrad = true;
        var h = Ops.Scale(x, 2.0).RetainGrad();
        var unretained = Ops.Mul(h, h);
        Ops.Sum(unretained).Backward(); // d/dh Σh² = 2h
        Assert.Equal([4.0, -8.0, 12.0], h.Grad!.ToArray());
        Assert.Null(unretained.Grad);
        Assert.Equal([8.0, -16.0, 24.0], x.Grad!.ToArray());
    }

    [Theory]
    [InlineData(3, 1, 1, false, 8, 8)]
    [InlineData(3, 1, 1, true, 5, 7)]
    [InlineData(3, 1, 0, false, 6, 6)]
    [InlineData(2, 1, 1, false, 4, 9)]
    [InlineData(5, 1, 2, true, 3, 4)]
    [InlineData(3, 2, 1, false, 7, 7)]
    [InlineData(2, 2, 0, true, 8, 6)]
    public void AvgPoolBackward_EqualsTheScalarTransposeBitForBit(int kernel, int stride, int padding, bool countIncludePad, int h, int w)
    {
        using var scope = Tensors.NewScope();
        var rng = new NasPS.Randomness.Rng(7);
        var xValues = new double[2 * 3 * h * w];
        rng.FillGaussian(xValues);
        var x = Tensors.FromArray(xValues, 2, 3, h, w);
        x.RequiresGrad = true;
        var y = Ops.AvgPool2d(x, kernel, stride, padding, countIncludePad);
        int oh = y.Size(2), ow = y.Size(3);
        var gValues = new double[y.Length];
        rng.FillGaussian(gValues);
        y.Backward(Tensors.FromArray(gValues, 2, 3, oh, ow));

        // The separable transpose written out in scalars: each output's share (divided once) spread over its row window,
        // then each row share over its column window, in ascending output order, as the kernel is documented to add.
        var expected = new double[xValues.Length];
        (int Start, int End, int Padded) Window(int o, int size)
        {
            int start = o * stride - padding, end = Math.Min(start + kernel, size + padding);
            return (Math.Max(start, 0), Math.Min(end, size), end - start);
        }
        for (int plane = 0; plane < 6; plane++)
        {
            var rowShares = new double[h * ow];
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                var (r0, r1, rp) = Window(i, h);
                var (c0, c1, cp) = Window(j, w);
                int divisor = countIncludePad ? rp * cp : (r1 - r0) * (c1 - c0);
                double share = gValues[(plane * oh + i) * ow + j] / divisor;
                for (int a = r0; a < r1; a++) rowShares[a * ow + j] += share;
            }
            for (int a = 0; a < h; a++)
            for (int j = 0; j < ow; j++)
            {
                var (c0, c1, _) = Window(j, w);
                for (int b = c0; b < c1; b++) expected[(plane * h + a) * w + b] += rowShares[a * ow + j];
            }
        }
        Assert.Equal(expected, x.Grad!.ToArray());
    }
}
