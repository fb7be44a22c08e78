using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.HybridEdge;
using NasPS.Networks.Layers;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
using Xunit;

namespace NasPS.Tests.HybridEdge;

public class HybridEdgeNetworkTests
{
    [Fact]
    public void BuiltParameters_EqualTheAnalyticCount_OverManySampledGenomes()
    {
        var space = HybridEdgeSpace.With(64, 10);
        var rng = new Rng(21);
        for (int k = 0; k < 120; k++)
        {
            var g = space.Sample(rng);
            var network = ProxyNetworks.Build<float>(g, classes: 3); // the space's classes win over the dataset's
            Assert.Equal(space.CountParameters(g, Dataset.Cifar10), network.ParameterCount());
        }
    }

    /// <summary>MACs measured from the shapes a real forward pass produces (conv and linear outputs, attention token
    /// counts) equal the analytic count; at two resolutions, so the stride arithmetic is checked too.</summary>
    [Theory]
    [InlineData(64)]
    [InlineData(72)]
    public void MeasuredMacs_EqualTheAnalyticCount(int resolution)
    {
        var space = HybridEdgeSpace.With(resolution, 10);
        var rng = new Rng(4);
        for (int k = 0; k < 12; k++)
        {
            var g = space.Sample(rng);
            var network = new HybridEdgeNetwork<float>(g, new Rng(1));
            long macs = 0;
            var hooks = new List<IDisposable>();
            foreach (var m in network.Modules())
            {
                switch (m)
                {
                    case Conv2d<float> conv:
                        hooks.Add(conv.RegisterForwardHook((_, _, y) => macs += (long)y.Length * (conv.InChannels / conv.Groups) * conv.Kernel * conv.Kernel));
                        break;
                    case Linear<float> linear:
                        hooks.Add(linear.RegisterForwardHook((_, x, y) => macs += (long)y.Length * x.Size(-1)));
                        break;
                    case MultiHeadSelfAttention<float>:
                        hooks.Add(m.RegisterForwardHook((_, x, _) => macs += 2L * x.Size(1) * x.Size(1) * x.Size(2)));
                        break;
                }
            }
            using (Tensors.NewScope())
            using (Tensors.NoGrad())
                network.Forward(Tensors.Zeros<float>(1, 3, resolution, resolution));
            Assert.Equal(space.CountFlops(g, Dataset.Cifar10), macs);
        }
    }

    [Fact]
    public void EveryBlock_HasAHookedNonlinearity_AndTransformerBlocksExposeGelu()
    {
        var g = HybridEdgeSpace.With(64, 10).Parse("stem16|mb3:d2:w24:e4|mb5se:d1:w48:e4|attn_dw:d2:w96:e4:h2:m2|attn:d1:w160:e4:h4:m2|head768");
        var network = new HybridEdgeNetwork<float>(g);
        var blocks = network.NamedModules().Where(p => p.Module is MBConvBlock<float> or TransformerBlock<float>).ToList();
        Assert.Equal(2 + 1 + (1 + 2) + (1 + 1), blocks.Count);
        foreach (var (name, block) in blocks)
            Assert.Contains(block.Modules(), m => ProxyNetworks.IsHookedActivation(m));
        Assert.Equal(3, network.Modules().Count(m => m is GELU<float>));
        Assert.Equal(1, network.Modules().Count(m => m is ReLU<float>)); // the squeeze-excite of the mb5se block
    }

    [Fact]
    public void Forward_GivesLogits_AndBackwardReachesEveryParameter()
    {
        var g = HybridEdgeSpace.With(48, 7).Parse("stem16|mb7se:d2:w16:e2|mb3:d1:w32:e3|attn_dw:d1:w64:e2:h4:m3|attn:d2:w96:e2:h2:m2|head512");
        var network = new HybridEdgeNetwork<float>(g, new Rng(2));
        var input = Tensors.Empty<float>(2, 3, 48, 48);
        Init.Normal(input, 0, 1, new Rng(3));
        using (Tensors.NewScope())
        {
            var logits = network.Forward(input);
            Assert.Equal([2, 7], logits.Shape.ToArray());
            Ops.Sum(Ops.Mul(logits, logits)).Backward();
        }
        foreach (var (name, p) in network.NamedParameters())
        {
            Assert.True(p.Grad is not null, name);
            Assert.True(p.Grad!.ToArray().Any(v => v != 0), $"{name} has an all-zero gradient");
        }
        var e = Assert.Throws<ArgumentException>(() => network.Forward(Tensors.Zeros<float>(1, 3, 32, 32)));
        Assert.Contains("[N, 3, 48, 48]", e.Message);
    }
}
