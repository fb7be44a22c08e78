using System.Numerics;
using NasPS.Compute.Autograd;
using NasPS.Compute.Kernels;

namespace NasPS.Compute;

public static partial class Ops
{
    [ThreadStatic] private static ConvolutionAlgorithm? _inferenceConvolution;

    /// <summary>How this thread's convolutions that record no gradient compute: <see cref="ConvolutionAlgorithm.Winograd"/>
    /// unless <see cref="UseInferenceConvolution"/> chose otherwise. Convolutions that record a gradient are always
    /// direct, so a backward pass differentiates exactly the function its forward pass computed.</summary>
    public static ConvolutionAlgorithm InferenceConvolution => _inferenceConvolution ?? ConvolutionAlgorithm.Winograd;

    /// <summary>Sets <see cref="InferenceConvolution"/> on this thread until the returned scope is disposed.</summary>
    public static IDisposable UseInferenceConvolution(ConvolutionAlgorithm algorithm)
    {
        if (!Enum.IsDefined(algorithm)) throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown convolution algorithm.");
        var previous = _inferenceConvolution;
        _inferenceConvolution = algorithm;
        return new RestoreConvolution(previous);
    }

    private sealed class RestoreConvolution(ConvolutionAlgorithm? previous) : IDisposable
    {
        public void Dispose() => _inferenceConvolution = previous;
    }

    /// <summary>2-D convolution of x [N, Cin, H, W] with w [Cout, Cin/groups, KH, KW] and an optional bias [Cout].</summary>
    public static Tensor<T> Conv2d<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias = null,
        int stride = 1, int padding = 0, int dilation = 1, int groups = 1) where T : unmanaged, IFloatingPointIeee754<T> =>
        Conv2d(x, w, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    public static Tensor<T> Conv2d<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias,
        (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = ConvolutionShape(x, w, bias, stride, padding, dilation, groups);
        var y = Tensors.Empty<T>(s.N, s.Cout, s.OutH, s.OutW);
        var algorithm = Graph.NeedsGrad(x, w, bias) ? ConvolutionAlgorithm.Direct : InferenceConvolution;
        Conv2dKernel.Forward<T>(x.ReadOnlySpan, w.ReadOnlySpan, bias is null ? default : bias.ReadOnlySpan, y.Span, s, algorithm: algorithm);
        Tensor<T>[] inputs = bias is null ? [x, w] : [x, w, bias];
        return Graph.Record(y, "conv2d", inputs, dy =>
        {
            Tensor<T>? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = Tensors.Empty<T>(x.ShapeArray);
                Conv2dKernel.BackwardInput<T>(dy.ReadOnlySpan, w.ReadOnlySpan, dx.Span, s);
            }
            if (w.RequiresGrad || bias is { RequiresGrad: true })
            {
                dw = Tensors.Empty<T>(w.ShapeArray);
                if (bias is not null) db = Tensors.Empty<T>(bias.ShapeArray);
                Conv2dKernel.BackwardWeight<T>(x.ReadOnlySpan, dy.ReadOnlySpan, dw.Span, db is null ? default : db.Span, s);
            }
            return bias is null ? [dx, dw] : [dx, dw, db];
        });
    }

    /// <summary>conv2d(relu(x), w, bias). When no gradient is recorded, the ReLU is applied where the convolution stages
    /// x for its GEMM, so relu(x) is never written out (one pass over the activations fewer); otherwise, and for
    /// depthwise convolutions, it is the two ops.</summary>
    public static Tensor<T> ReluConv2d<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias,
        (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = ConvolutionShape(x, w, bias, stride, padding, dilation, groups);
        if (s.IsDepthwise || Graph.NeedsGrad(x, w, bias)) return Conv2d(Relu(x), w, bias, stride, padding, dilation, groups);
        var y = Tensors.Empty<T>(s.N, s.Cout, s.OutH, s.OutW);
        Conv2dKernel.Forward<T>(x.ReadOnlySpan, w.ReadOnlySpan, bias is null ? default : bias.ReadOnlySpan, y.Span, s, rectifyInput: true,
            algorithm: InferenceConvolution);
        return y;
    }

    /// <summary><see cref="ReluConv2d{T}"/> without autograd, and the output's <see cref="PlaneMoments{T}"/> taken as each plane
    /// is written, for the batch-norm statistics that follow (<see cref="BatchNorm2dCoefficients{T}"/>).</summary>
    public static (Tensor<T> Output, PlaneMoments<T> Moments) ReluConv2dWithMoments<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias,
        (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = ConvolutionShape(x, w, bias, stride, padding, dilation, groups);
        if (Graph.NeedsGrad(x, w, bias))
            throw new InvalidOperationException("relu_conv2d with plane moments is not recorded for autograd; use ReluConv2d while gradients are recorded.");
        var values = Tensors.Empty<double>(2 * s.N * s.Cout);
        var y = Tensors.Empty<T>(s.N, s.Cout, s.OutH, s.OutW);
        // The depthwise route cannot stage a rectified input: it convolves relu(x).
        var input = s.IsDepthwise ? Relu(x) : x;
        Conv2dKernel.Forward<T>(input.ReadOnlySpan, w.ReadOnlySpan, bias is null ? default : bias.ReadOnlySpan, y.Span, s,
            rectifyInput: !s.IsDepthwise, values.Span, InferenceConvolution);
        return (y, new PlaneMoments<T>(s.N, s.Cout, s.OutH * s.OutW, values));
    }

    private static Conv2dShape ConvolutionShape<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias,
        (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shapes.RequireRank("conv2d", x, 4, "[N, C, H, W]");
        Shapes.RequireRank("conv2d", w, 4, "weight [Cout, Cin/groups, KH, KW]");
        var s = new Conv2dShape(x.Size(0), x.Size(1), x.Size(2), x.Size(3), w.Size(0), w.Size(2), w.Size(3),
            stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);
        s.Validate();
        if (w.Size(1) != s.CinPerGroup)
            throw new ArgumentException($"conv2d: weight {Shapes.Format(w.Shape)} expects {w.Size(1) * groups} input channels (groups {groups}); the input {Shapes.Format(x.Shape)} has {s.Cin}.");
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != s.Cout))
            throw new ArgumentException($"conv2d: bias {Shapes.Format(bias.Shape)} does not match {s.Cout} output channels.");
        return s;
    }

    /// <summary>y = x·Wᵀ + b over the last dimension: x [..., in], weight [out, in], bias [out].</summary>
    public static Tensor<T> Linear<T>(Tensor<T> x, Tensor<T> weight, Tensor<T>? bias = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (weight.Rank != 2) throw new ArgumentException($"linear: weight must be [out, in], got {Shapes.Format(weight.Shape)}.");
        int outF = weight.Size(0), inF = weight.Size(1);
        if (x.Rank < 1 || x.Size(-1) != inF)
            throw new ArgumentException($"linear: input {Shapes.Format(x.Shape)} does not end in {inF} features (weight {Shapes.Format(weight.Shape)}).");
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != outF))
            throw new ArgumentException($"linear: bias {Shapes.Format(bias.Shape)} does not match {outF} outputs.");
        int rows = x.Length / inF;
        var shape = (int[])x.ShapeArray.Clone();
        shape[^1] = outF;
        var y = Tensors.Empty<T>(shape);
        if (bias is not null)
            for (int r = 0; r < rows; r++) bias.ReadOnlySpan.CopyTo(y.Span.Slice(r * outF, outF));
        Gemm.Multiply(false, true, rows, outF, inF, T.One, x.ReadOnlySpan, inF, weight.ReadOnlySpan, inF,
            bias is null ? T.Zero : T.One, y.Span, outF);
        Tensor<T>[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Graph.Record(y, "linear", inputs, dy =>
        {
            Tensor<T>? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = Tensors.Empty<T>(x.ShapeArray);
                Gemm.Multiply(false, false, rows, inF, outF, T.One, dy.ReadOnlySpan, outF, weight.ReadOnlySpan, inF, T.Zero, dx.Span, inF);
            }
            if (weight.RequiresGrad)
            {
                dw = Tensors.Empty<T>(weight.ShapeArray);
                Gemm.Multiply(true, false, outF, inF, rows, T.One, dy.ReadOnlySpan, outF, x.ReadOnlySpan, inF, T.Zero, dw.Span, inF);
            }
            if (bias is { RequiresGrad: true })
            {
                db = Tensors.Zeros<T>(outF);
                for (int r = 0; r < rows; r++)
                    System.Numerics.Tensors.TensorPrimitives.Add(db.ReadOnlySpan, dy.ReadOnlySpan.Slice(r * outF, outF), db.Span);
            }
            return bias is null ? [dx, dw] : [dx, dw, db];
        });
    }

    /// <summary>Matrix product a [m, k] · b [k, n], or batched a [B, m, k] · b [B, k, n].</summary>
    public static Tensor<T> MatMul<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool batched = a.Rank == 3;
        if (!(a.Rank == 2 && b.Rank == 2) && !(a.Rank == 3 && b.Rank == 3 && a.Size(0) == b.Size(0)) || a.Size(-1) != b.Size(-2))
            throw new ArgumentException($"matmul: cannot multiply {Shapes.Format(a.Shape)} by {Shapes.Format(b.Shape)} (expected [m,k]·[k,n] or [B,m,k]·[B,k,n]).");
        int batch = batched ? a.Size(0) : 1, m = a.Size(-2), k = a.Size(-1), n = b.Size(-1);
        var y = batched ? Tensors.Empty<T>(batch, m, n) : Tensors.Empty<T>(m, n);
        for (int i = 0; i < batch; i++)
            Gemm.Multiply(false, false, m, n, k, T.One, a.ReadOnlySpan.Slice(i * m * k, m * k), k,
                b.ReadOnlySpan.Slice(i * k * n, k * n), n, T.Zero, y.Span.Slice(i * m * n, m * n), n);
        return Graph.Record(y, batched ? "bmm" : "matmul", [a, b], dy =>
        {
            Tensor<T>? da = null, db = null;
            if (a.RequiresGrad)
            {
                da = Tensors.Empty<T>(a.ShapeArray);
                for (int i = 0; i < batch; i++) // dA = dY·Bᵀ
                    Gemm.Multiply(false, true, m, k, n, T.One, dy.ReadOnlySpan.Slice(i * m * n, m * n), n,
                        b.ReadOnlySpan.Slice(i * k * n, k * n), n, T.Zero, da.Span.Slice(i * m * k, m * k), k);
            }
            if (b.RequiresGrad)
            {
                db = Tensors.Empty<T>(b.ShapeArray);
                for (int i = 0; i < batch; i++) // dB = Aᵀ·dY
                    Gemm.Multiply(true, false, k, n, m, T.One, a.ReadOnlySpan.Slice(i * m * k, m * k), k,
                        dy.ReadOnlySpan.Slice(i * m * n, m * n), n, T.Zero, db.Span.Slice(i * k * n, k * n), n);
            }
            return [da, db];
        });
    }
}
