using NasPS.Compute;
using NasPS.Networks;
using NasPS.Spaces;

namespace NasPS.Proxies;

/// <summary>NASWOT on a given network (spec §3.3).</summary>
public static class NaswotScore
{
    /// <summary>One forward pass without gradients on <paramref name="images"/> [B, 3, H, W], in the network's current
    /// mode; returns ln |det K| (−∞ when K is singular) and N_A, the number of units per image.</summary>
    public static (double LogDet, long Units) Compute(Module<float> network, Tensor<float> images, PatternHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var kernel = new NaswotKernel(images.Size(0));
        using (ActivationPatterns.Attach(network, hooks, kernel.Add))
        using (Tensors.NoGrad())
        using (Tensors.NewScope())
            network.Forward(images);
        return (kernel.LogAbsDeterminant(), kernel.Units);
    }
}

/// <summary>
/// NASWOT as a registered proxy. "naswot" follows FreeREA's protocol (batch 64, kaiming-normal fan_out, mean of 3 inits,
/// ReLU outputs, train mode); "naswot-official" the BayesWatch one (batch 128, PyTorch default init, one evaluation,
/// every module named *ReLU*, inputs, train mode). The images are the first B of the context's input, as given
/// (FreeREA augments them; NasPS's callers decide and the input's source records it).
/// </summary>
public sealed class NaswotProxy : NetworkProxy<float>
{
    public NaswotProxy(string name, int batch, WeightInit init, int repeats, PatternHooks hooks) : base(init, repeats)
    {
        if (batch < 2) throw new ArgumentOutOfRangeException(nameof(batch), batch, "NASWOT needs a batch of at least 2 images.");
        Name = name;
        Batch = batch;
        Hooks = hooks;
    }

    public static NaswotProxy FreeRea(int batch = 64, int repeats = 3) =>
        new("naswot", batch, WeightInit.KaimingNormalFanOut, repeats, PatternHooks.ReluOutputs);

    public static NaswotProxy Official(int batch = 128) =>
        new("naswot-official", batch, WeightInit.PyTorchDefault, 1, PatternHooks.ReluNamedInputs);

    public override string Name { get; }
    public override string Version => "1";
    public override bool NeedsInput => true;
    public int Batch { get; }
    public PatternHooks Hooks { get; }

    protected override void Validate(ProxyContext context, Genome genome) =>
        ProxyNetworks.RequireInput(Name, context, Batch, ProxyNetworks.Resolution(genome, context.Dataset));

    protected override double Evaluate(Module<float> network, ProxyContext context)
    {
        network.Train();
        return NaswotScore.Compute(network, ProxyNetworks.InputImages<float>(Name, context, Batch, ProxyNetworks.Resolution(network, context.Dataset)), Hooks).LogDet;
    }

    protected override string DescribeProtocol(ProxyContext context, Genome genome) =>
        $"{Name}: ln|det K|, K = N_A − Hamming of codes 1[{(Hooks == PatternHooks.ReluOutputs ? "ReLU output" : "*ReLU* module input")} > 0]; "
        + $"float32 forward ({context.ConvolutionProtocol}), train mode (batch-statistics BN), batch {Batch} of {context.Input?.Source}";
}
