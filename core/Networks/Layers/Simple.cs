using System.Numerics;
using NasPS.Compute;

namespace NasPS.Networks.Layers;

public sealed class ReLU<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Relu(input);
}

/// <summary>GELU, exact erf form.</summary>
public sealed class GELU<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Gelu(input);
}

public sealed class SiLU<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Silu(input);
}

public sealed class Hardswish<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Hardswish(input);
}

public sealed class Sigmoid<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Sigmoid(input);
}

public sealed class Identity<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => input;
}

/// <summary>Outputs zeros shaped like the input, with zero gradient (NAS-Bench-201's 'none' edge).</summary>
public sealed class Zero<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Zero(input);
}

public sealed class AvgPool2d<T>(int kernel, int stride, int padding = 0, bool countIncludePad = true) : Module<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;
    public int Padding { get; } = padding;
    public bool CountIncludePad { get; } = countIncludePad;

    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.AvgPool2d(input, Kernel, Stride, Padding, CountIncludePad);
}

public sealed class MaxPool2d<T>(int kernel, int stride, int padding = 0) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;
    public int Padding { get; } = padding;

    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.MaxPool2d(input, Kernel, Stride, Padding);
}

public sealed class AdaptiveAvgPool2d<T>(int outH = 1, int outW = 1) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.AdaptiveAvgPool2d(input, outH, outW);
}

/// <summary>Flattens all dimensions after the first.</summary>
public sealed class Flatten<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.Flatten(input);
}

/// <summary>LayerNorm over the last dimensions of shape <paramref name="normalizedShape"/>, element-wise affine by default.</summary>
public sealed class LayerNorm<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _dims;

    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0) throw new ArgumentException("LayerNorm needs a non-empty normalised shape.");
        _dims = normalizedShape.Length;
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensors.Ones<T>(normalizedShape));
            Bias = RegisterParameter("bias", Tensors.Zeros<T>(normalizedShape));
        }
    }

    public double Eps { get; }
    public Tensor<T>? Weight { get; }
    public Tensor<T>? Bias { get; }

    protected override Tensor<T> ForwardCore(Tensor<T> input) => Ops.LayerNorm(input, _dims, Weight, Bias, Eps);

    protected override void ResetOwnParameters(Randomness.Rng rng)
    {
        if (Weight is not null) Init.Constant(Weight, 1);
        if (Bias is not null) Init.Constant(Bias, 0);
    }
}
