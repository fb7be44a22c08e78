using System.Numerics;
using NasPS.Compute;
using NasPS.Randomness;

namespace NasPS.Networks.Layers;

/// <summary>2-D convolution with a square kernel; weight [out, in/groups, k, k], optional bias [out].</summary>
public sealed class Conv2d<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d({inChannels}→{outChannels}, k {kernel}, groups {groups}): channels must be positive and divisible by groups.");
        (InChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernel, stride, padding, dilation, groups);
        Weight = RegisterParameter("weight", Tensors.Zeros<T>(outChannels, inChannels / groups, kernel, kernel));
        if (bias) Bias = RegisterParameter("bias", Tensors.Zeros<T>(outChannels));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Kernel { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public Tensor<T> Weight { get; }
    public Tensor<T>? Bias { get; }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    protected override void ResetOwnParameters(Rng rng)
    {
        Init.DefaultWeight(Weight, rng);
        if (Bias is not null) Init.DefaultBias(Bias, Weight, rng);
    }
}

/// <summary>y = x·Wᵀ + b; weight [out, in], optional bias [out].</summary>
public sealed class Linear<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Linear(int inFeatures, int outFeatures, bool bias = true)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException($"Linear({inFeatures}→{outFeatures}): sizes must be positive.");
        Weight = RegisterParameter("weight", Tensors.Zeros<T>(outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", Tensors.Zeros<T>(outFeatures));
    }

    public Tensor<T> Weight { get; }
    public Tensor<T>? Bias { get; }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Linear(input, Weight, Bias);

    protected override void ResetOwnParameters(Rng rng)
    {
        Init.DefaultWeight(Weight, rng);
        if (Bias is not null) Init.DefaultBias(Bias, Weight, rng);
    }
}

/// <summary>
/// BatchNorm2d as PyTorch's: γ/β when affine, running_mean/running_var/num_batches_tracked when tracking. Train mode
/// normalises with batch statistics and updates the running ones; eval mode uses the running ones.
/// <see cref="Bypassed"/> turns the forward into the identity (Synflow's "BN off") while keeping the state.
/// </summary>
public sealed class BatchNorm2d<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public BatchNorm2d(int channels, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        if (channels <= 0) throw new ArgumentException($"BatchNorm2d({channels}): channels must be positive.");
        (Channels, Eps, Momentum) = (channels, eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensors.Ones<T>(channels));
            Bias = RegisterParameter("bias", Tensors.Zeros<T>(channels));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensors.Zeros<T>(channels));
            RunningVar = RegisterBuffer("running_var", Tensors.Ones<T>(channels));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Int64Buffer.Scalar());
        }
    }

    public int Channels { get; }
    public double Eps { get; }
    public double Momentum { get; }
    public Tensor<T>? Weight { get; }
    public Tensor<T>? Bias { get; }
    public Tensor<T>? RunningMean { get; }
    public Tensor<T>? RunningVar { get; }
    public Int64Buffer? NumBatchesTracked { get; }

    /// <summary>When set, the forward pass returns its input unchanged.</summary>
    public bool Bypassed { get; set; }

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        if (Bypassed) return input;
        if (IsTraining && NumBatchesTracked is not null) NumBatchesTracked.Values[0]++;
        return Ops.BatchNorm2d(input, Weight, Bias, RunningMean, RunningVar, UsesBatchStatistics, Momentum, Eps);
    }

    // Batch statistics in train mode (updating the running ones), or always when none are tracked.
    private bool UsesBatchStatistics => IsTraining || RunningMean is null;

    /// <summary>
    /// The forward pass left for the caller to apply: y = input·Scale[c] + Shift[c], with the module's state updated as
    /// <see cref="Module{T}.Forward"/> updates it (hooks aside: callers use this only when the module has none); a plain
    /// term (y = input) when <see cref="Bypassed"/>. Without autograd only. <paramref name="moments"/>: the input's plane
    /// moments, when its producer took them.
    /// </summary>
    public SumTerm<T> Deferred(Tensor<T> input, PlaneMoments<T>? moments = null)
    {
        if (Bypassed) return new(input);
        if (IsTraining && NumBatchesTracked is not null) NumBatchesTracked.Values[0]++;
        var (scale, shift) = Ops.BatchNorm2dCoefficients(input, Weight, Bias, RunningMean, RunningVar, UsesBatchStatistics, Momentum, Eps, moments);
        return new(input, scale, shift);
    }

    protected override void ResetOwnParameters(Rng rng)
    {
        if (Weight is not null) Init.Constant(Weight, 1);
        if (Bias is not null) Init.Constant(Bias, 0);
        if (RunningMean is not null) Init.Constant(RunningMean, 0);
        if (RunningVar is not null) Init.Constant(RunningVar, 1);
        if (NumBatchesTracked is not null) NumBatchesTracked.Values[0] = 0;
    }
}
