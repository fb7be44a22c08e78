using NasPS.Compute.Kernels;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.NasBench201;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Compute;

[CollectionDefinition(nameof(PoolAccounting), DisableParallelization = true)]
public sealed class PoolAccounting;

/// <summary>Repeated scoring must not grow memory: after a warm-up pass, every forward+backward of the all-conv3x3
/// NB201 network reuses pooled buffers (retained bytes flat) and returns all of them when its scope ends.
/// The pool counters are process-wide, so this runs with no other test in parallel.</summary>
[Collection(nameof(PoolAccounting))]
public class PoolMemoryTests
{
    [Fact]
    public void RepeatedForwardBackwardKeepsPoolMemoryFlat()
    {
        var net = new TinyNetwork<float>(Nb201NetworkTests.Genome(Nb201NetworkTests.AllConv3x3), 10, new Rng(1), channels: 8, cellsPerStage: 5);
        var input = Tensors.Empty<float>(2, 3, 16, 16);
        Init.Normal(input, 0, 1, new Rng(2));
        long rentedBefore = BufferPool.RentedBytes;

        long Pass()
        {
            BufferPool.ResetPeak();
            using (Tensors.NewScope())
            {
                var logits = net.Forward(input);
                Ops.Sum(Ops.Mul(logits, logits)).Backward();
            }
            Assert.Equal(rentedBefore, BufferPool.RentedBytes); // everything came back
            return BufferPool.PeakRentedBytes - rentedBefore;
        }

        long peak = Pass(); // warm-up fills the pool
        long retained = BufferPool.RetainedBytes;
        Assert.True(peak > 0);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(peak, Pass());
            Assert.Equal(retained, BufferPool.RetainedBytes);
        }
        // Parameter gradients are GC-owned, made once, and reused: not counted as working memory.
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
    }

    /// <summary>Without autograd a cell returns its edges' intermediate tensors to the pool as soon as each node is
    /// summed (and nodes 1–2 when the cell ends), so a forward pass needs a fraction of the memory it needs with
    /// autograd on, and gives the same logits bit for bit with direct convolutions (the autograd pass's).</summary>
    [Fact]
    public void ForwardWithoutAutogradFreesEachCellsIntermediates_SameLogits()
    {
        var net = new TinyNetwork<float>(Nb201NetworkTests.Genome(Nb201NetworkTests.AllConv3x3), 10, new Rng(3), channels: 8, cellsPerStage: 5);
        var input = Tensors.Empty<float>(4, 3, 16, 16);
        Init.Normal(input, 0, 1, new Rng(4));
        long rentedBefore = BufferPool.RentedBytes;

        (float[] Logits, long Peak) Pass(bool grad)
        {
            BufferPool.ResetPeak();
            float[] logits;
            using (Tensors.NewScope())
            using (grad ? null : Tensors.NoGrad())
            using (Ops.UseInferenceConvolution(ConvolutionAlgorithm.Direct))
                logits = net.Forward(input).ToArray();
            Assert.Equal(rentedBefore, BufferPool.RentedBytes);
            return (logits, BufferPool.PeakRentedBytes - rentedBefore);
        }

        var withGrad = Pass(grad: true);
        var noGrad = Pass(grad: false);
        Assert.Equal(withGrad.Logits, noGrad.Logits);
        // 15 cells × (6 edges × 3 tensors + 3 nodes) kept with autograd; without, about one cell's worth at a time.
        Assert.True(noGrad.Peak * 4 < withGrad.Peak, $"peak without autograd {noGrad.Peak} B, with {withGrad.Peak} B");
    }

    [Fact]
    public void ADisposedNetworksMemoryIsReusedByTheNextOne_ZeroedAndAccounted()
    {
        var genome = Nb201NetworkTests.Genome(Nb201NetworkTests.AllConv3x3);
        TinyNetwork<double> Build() => new(genome, 10, new Rng(1), channels: 8, cellsPerStage: 1);
        var input = Tensors.Full(1.0, 1, 3, 8, 8);
        double[] GradientOfFirstWeight(TinyNetwork<double> net)
        {
            using (Tensors.NewScope()) Ops.Sum(net.Forward(input)).Backward();
            return net.Parameters().First().Grad!.ToArray();
        }

        BufferPool.Trim();
        var first = Build();
        var expected = GradientOfFirstWeight(first);
        long stateBytes = first.Parameters().Concat(first.NamedBuffers().Select(b => b.Tensor)).Sum(t => (long)t.Length * sizeof(double)) * 2; // upper bound: state and gradients
        long retainedBefore = BufferPool.RetainedBytes, rentedBefore = BufferPool.RentedBytes;
        first.Dispose();
        long adopted = BufferPool.RetainedBytes - retainedBefore;
        Assert.True(adopted > 0 && adopted <= stateBytes, $"adopted {adopted} bytes of at most {stateBytes}");
        Assert.Equal(rentedBefore, BufferPool.RentedBytes); // GC arrays were never counted as rented
        Assert.Throws<ObjectDisposedException>(() => first.Parameters().First().Span[0]);
        first.Dispose(); // idempotent

        var second = Build(); // same lengths: takes the adopted arrays, cleared, as GC arrays again
        Assert.True(BufferPool.RetainedBytes < retainedBefore + adopted);
        Assert.Equal(expected, GradientOfFirstWeight(second)); // a fresh gradient, not added to a stale one
        Assert.Equal(rentedBefore, BufferPool.RentedBytes);
    }
}
