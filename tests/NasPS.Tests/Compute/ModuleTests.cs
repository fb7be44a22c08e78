using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.Layers;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Compute;

public class ModuleTests
{
    private sealed class Block : Module<double>
    {
        public Block()
        {
            Body = RegisterModule("body", new Sequential<double>(new Conv2d<double>(2, 3, 3, padding: 1), new BatchNorm2d<double>(3), new ReLU<double>()));
            Head = RegisterModule("head", new Linear<double>(3, 2));
        }

        public Sequential<double> Body { get; }
        public Linear<double> Head { get; }

        protected override Tensor<double> ForwardCore(Tensor<double> input) =>
            Head.Forward(Ops.Flatten(Ops.AdaptiveAvgPool2d(Body.Forward(input))));

        public void AddDuplicate() => RegisterModule("head", new ReLU<double>());
    }

    [Fact]
    public void StateNamesAreDottedPathsInRegistrationOrder()
    {
        var m = new Block();
        Assert.Equal(["body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "head.weight", "head.bias"], m.NamedParameters().Select(p => p.Name));
        Assert.Equal(["body.1.running_mean", "body.1.running_var"], m.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["body.1.num_batches_tracked"], m.NamedInt64Buffers().Select(b => b.Name));
        Assert.Equal(["", "body", "body.0", "body.1", "body.2", "head"], m.NamedModules().Select(x => x.Name));
        Assert.Equal(3 * 2 * 9 + 3 + 3 + 3 + 6 + 2, m.ParameterCount());
        Assert.All(m.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.Throws<ArgumentException>(() => m.AddDuplicate());
        Assert.Equal("ReLU", m.Body[2].TypeName);
    }

    [Fact]
    public void TrainAndEvalReachEveryDescendant()
    {
        var m = new Block();
        Assert.All(m.Modules(), x => Assert.True(x.IsTraining));
        m.Eval();
        Assert.All(m.Modules(), x => Assert.False(x.IsTraining));
        m.Train();
        Assert.All(m.Modules(), x => Assert.True(x.IsTraining));
    }

    [Fact]
    public void ForwardHooksSeeInputAndOutputAndCanBeRemoved()
    {
        var m = new Block();
        m.ResetParameters(new Rng(1));
        using var scope = Tensors.NewScope();
        var x = Tensors.Empty<double>(2, 2, 4, 4);
        Init.Normal(x, 0, 1, new Rng(2));
        var seen = new List<(string, double[], double[])>();
        var relu = m.Body[2];
        var remover = relu.RegisterForwardHook((mod, input, output) => seen.Add((mod.TypeName, input.ToArray(), output.ToArray())));
        m.Forward(x);
        remover.Dispose();
        m.Forward(x);
        var (name, input, output) = Assert.Single(seen);
        Assert.Equal("ReLU", name);
        Assert.Equal(input.Select(v => Math.Max(v, 0)), output);
        Assert.Contains(input, v => v < 0);
    }

    [Fact]
    public void ForwardPreHooksSeeTheInputBeforeTheForwardAndCanBeRemoved()
    {
        var m = new Block();
        m.ResetParameters(new Rng(1));
        using var scope = Tensors.NewScope();
        var x = Tensors.Empty<double>(2, 2, 4, 4);
        Init.Normal(x, 0, 1, new Rng(2));
        var order = new List<string>();
        var relu = m.Body[2];
        double[]? seen = null;
        var pre = relu.RegisterForwardPreHook((mod, input) => { order.Add("pre " + mod.TypeName); seen = input.ToArray(); });
        var post = relu.RegisterForwardHook((mod, input, _) =>
        {
            order.Add("post " + mod.TypeName);
            Assert.Equal(seen, input.ToArray());
        });
        Assert.True(relu.HasForwardPreHooks);
        Assert.True(relu.HasForwardHooks);
        m.Forward(x);
        Assert.Equal(["pre ReLU", "post ReLU"], order);
        pre.Dispose();
        post.Dispose();
        Assert.False(relu.HasForwardPreHooks || relu.HasForwardHooks);
        m.Forward(x);
        Assert.Equal(2, order.Count);
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval()
    {
        using var scope = Tensors.NewScope();
        var bn = new BatchNorm2d<double>(1);
        var x = Tensors.FromArray<double>([1, 2, 3, 6], 2, 1, 1, 2); // mean 3, biased var 3.5, unbiased 14/3
        var y = bn.Forward(x);
        Assert.Equal(-2 / Math.Sqrt(3.5 + 1e-5), y.Span[0], 12);
        Assert.Equal(0.3, bn.RunningMean!.Span[0], 12);
        Assert.Equal(0.9 + 0.1 * 14.0 / 3, bn.RunningVar!.Span[0], 12);
        Assert.Equal(1, bn.NumBatchesTracked!.Values[0]);
        bn.Eval();
        var e = bn.Forward(x);
        Assert.Equal((1 - 0.3) / Math.Sqrt(0.9 + 0.1 * 14.0 / 3 + 1e-5), e.Span[0], 12);
        Assert.Equal(1, bn.NumBatchesTracked.Values[0]);
        bn.Bypassed = true;
        Assert.Same(x, bn.Forward(x));
    }

    [Fact]
    public void DefaultInitialisationFollowsPyTorchBounds()
    {
        var conv = new Conv2d<double>(16, 32, 3);
        conv.ResetParameters(new Rng(11));
        double bound = 1 / Math.Sqrt(16 * 9); // kaiming_uniform(a=√5) → U(±1/√fan_in)
        var w = conv.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.InRange(w.Max(Math.Abs), 0.98 * bound, bound); // the bound is reached, so it is not narrower
        Assert.InRange(w.Select(v => v * v).Average(), 0.95 * bound * bound / 3, 1.05 * bound * bound / 3);
        Assert.All(conv.Bias!.ToArray(), v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(conv.Bias!.ToArray().Distinct().Count() > 1);
    }

    [Fact]
    public void KaimingNormalFanOutHasTheRightSpread()
    {
        var w = Tensors.Zeros<double>(64, 32, 3, 3);
        Init.KaimingNormalFanOut(w, new Rng(5));
        double std = Math.Sqrt(w.ToArray().Select(v => v * v).Average());
        Assert.InRange(std, 0.97 * Math.Sqrt(2.0 / (64 * 9)), 1.03 * Math.Sqrt(2.0 / (64 * 9)));
    }

    [Fact]
    public void TheSameSeedGivesTheSameWeightsInBothPrecisions()
    {
        var a = new Block();
        var b = new Block();
        var c = new Block();
        a.ResetParameters(new Rng(9));
        b.ResetParameters(new Rng(9));
        c.ResetParameters(new Rng(10));
        Assert.Equal(a.Parameters().SelectMany(p => p.ToArray()), b.Parameters().SelectMany(p => p.ToArray()));
        Assert.NotEqual(a.Parameters().SelectMany(p => p.ToArray()), c.Parameters().SelectMany(p => p.ToArray()));
        var f = new Linear<float>(3, 2);
        f.ResetParameters(new Rng(9));
        var d = new Linear<double>(3, 2);
        d.ResetParameters(new Rng(9));
        Assert.Equal(d.Weight.ToArray().Select(v => (float)v), f.Weight.ToArray());
    }

    [Fact]
    public void CopyStateConvertsAFloatNetworkToItsDoubleTwin()
    {
        var f = new Conv2d<float>(2, 2, 3);
        f.ResetParameters(new Rng(3));
        var d = new Conv2d<double>(2, 2, 3);
        d.CopyStateFrom(f);
        Assert.Equal(f.Weight.ToArray().Select(v => (double)v), d.Weight.ToArray());
        var wrong = new Conv2d<double>(2, 2, 1);
        Assert.Throws<InvalidDataException>(() => wrong.CopyStateFrom(f));
    }
}
