using System.Numerics;
using System.Numerics.Tensors;
using NasPS.Compute.Autograd;
using NasPS.Compute.Kernels;

namespace NasPS.Compute;

public static partial class Ops
{
    /// <summary>
    /// Batch normalisation of x [N, C, H, W] per channel, as PyTorch's F.batch_norm. With
    /// <paramref name="useBatchStatistics"/> (train mode, or no running statistics) it normalises with the batch
    /// mean and biased variance and, when running buffers are given, updates them in place:
    /// running = (1 − momentum)·running + momentum·batch, with the unbiased variance. Otherwise it uses the
    /// running statistics. <paramref name="weight"/> (γ) and <paramref name="bias"/> (β) are optional (affine = false).
    /// </summary>
    public static Tensor<T> BatchNorm2d<T>(Tensor<T> x, Tensor<T>? weight, Tensor<T>? bias,
        Tensor<T>? runningMean, Tensor<T>? runningVar, bool useBatchStatistics, double momentum = 0.1, double eps = 1e-5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Per channel: the mean used and 1/sqrt(var + eps); these two vectors are all the backward pass needs besides x.
        var statistics = new BatchNormStatistics<T>(x, weight, bias, runningMean, runningVar, useBatchStatistics, momentum, eps);
        var (mean, invStd) = (statistics.Mean, statistics.InvStd);
        int n = x.Size(0), c = x.Size(1), hw = x.Size(2) * x.Size(3), m = n * hw;
        var y = Tensors.Empty<T>(x.ShapeArray);
        Parallelism.For(c, ch =>
        {
            // A channel is normalised right after its statistics, while its planes are still in cache.
            statistics.Compute(ch);
            var xs = x.ReadOnlySpan;
            var ys = y.Span;
            for (int i = 0; i < n; i++)
            {
                int o = (i * c + ch) * hw;
                ChannelMath.ScaleShift(xs.Slice(o, hw), statistics.Scale[ch], statistics.Shift[ch], ys.Slice(o, hw));
            }
        });

        Tensor<T>[] inputs = [x, .. new[] { weight, bias }.Where(p => p is not null).Select(p => p!)];
        return Graph.Record(y, "batch_norm2d", inputs, dy =>
        {
            Tensor<T>? dx = x.RequiresGrad ? Tensors.Empty<T>(x.ShapeArray) : null;
            Tensor<T>? dWeight = weight is { RequiresGrad: true } ? Tensors.Empty<T>(c) : null;
            Tensor<T>? dBias = bias is { RequiresGrad: true } ? Tensors.Empty<T>(c) : null;
            Parallelism.For(c, ch =>
            {
                var xs = x.ReadOnlySpan;
                var g = dy.ReadOnlySpan;
                T mu = mean[ch], inv = invStd[ch];
                // Σ dy and Σ dy·x̂ over the channel.
                T sumDy = T.Zero, sumDyXhat = T.Zero;
                for (int i = 0; i < n; i++)
                {
                    int o = (i * c + ch) * hw;
                    var gs = g.Slice(o, hw);
                    sumDy += TensorPrimitives.Sum(gs);
                    sumDyXhat += ChannelMath.CentredDot(xs.Slice(o, hw), mu, gs) * inv;
                }
                if (dWeight is not null) dWeight.Span[ch] = sumDyXhat;
                if (dBias is not null) dBias.Span[ch] = sumDy;
                if (dx is null) return;
                T gamma = weight is null ? T.One : weight.ReadOnlySpan[ch];
                var dxs = dx.Span;
                if (useBatchStatistics)
                {
                    // dx = γ·inv·(dy − mean(dy) − x̂·mean(dy·x̂)), with x̂ = (x − μ)·inv.
                    T mT = T.CreateTruncating(m);
                    T meanDy = sumDy / mT, meanDyXhat = sumDyXhat / mT;
                    T k = gamma * inv;
                    for (int i = 0; i < n; i++)
                    {
                        int o = (i * c + ch) * hw;
                        ChannelMath.NormalizationBackward(xs.Slice(o, hw), g.Slice(o, hw), dxs.Slice(o, hw), mu, inv, k, meanDy, meanDyXhat);
                    }
                }
                else
                {
                    T k = gamma * inv;
                    for (int i = 0; i < n; i++)
                    {
                        int o = (i * c + ch) * hw;
                        TensorPrimitives.Multiply(g.Slice(o, hw), k, dxs.Slice(o, hw));
                    }
                }
            });
            return [dx, .. (weight is null ? Array.Empty<Tensor<T>?>() : [dWeight]), .. (bias is null ? Array.Empty<Tensor<T>?>() : [dBias])];
        });
    }

    /// <summary>
    /// What batch_norm2d would apply to x, per channel, as y = x·scale + shift (running statistics updated the same way),
    /// without applying it: a caller that adds the normalised tensor to others applies it inside that sum
    /// (<see cref="SumChannelAffine{T}"/>) and saves a pass over x and its output. Not recorded for autograd.
    /// </summary>
    public static (T[] Scale, T[] Shift) BatchNorm2dCoefficients<T>(Tensor<T> x, Tensor<T>? weight, Tensor<T>? bias,
        Tensor<T>? runningMean, Tensor<T>? runningVar, bool useBatchStatistics, double momentum = 0.1, double eps = 1e-5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Graph.NeedsGrad(x, weight, bias))
            throw new InvalidOperationException("batch_norm2d coefficients are not recorded for autograd; use BatchNorm2d while gradients are recorded.");
        var statistics = new BatchNormStatistics<T>(x, weight, bias, runningMean, runningVar, useBatchStatistics, momentum, eps);
        Parallelism.For(x.Size(1), statistics.Compute);
        return (statistics.Scale, statistics.Shift);
    }

    /// <summary>Layer normalisation over the last <paramref name="normalizedDims"/> dimensions (biased variance),
    /// with optional element-wise affine weight and bias shaped like those dimensions.</summary>
    public static Tensor<T> LayerNorm<T>(Tensor<T> x, int normalizedDims, Tensor<T>? weight = null, Tensor<T>? bias = null, double eps = 1e-5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (normalizedDims < 1 || normalizedDims > x.Rank)
            throw new ArgumentException($"layer_norm: cannot normalise the last {normalizedDims} dimensions of {Shapes.Format(x.Shape)}.");
        int d = 1;
        for (int i = x.Rank - normalizedDims; i < x.Rank; i++) d *= x.Size(i);
        foreach (var (p, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (p is not null && p.Length != d)
                throw new ArgumentException($"layer_norm: {name} {Shapes.Format(p.Shape)} does not match the normalised size {d}.");
        int rows = x.Length / Math.Max(d, 1);
        var mean = new T[rows];
        var invStd = new T[rows];
        var y = Tensors.Empty<T>(x.ShapeArray);
        T epsT = Cast<T>(eps), dT = T.CreateTruncating(d);
        Parallelism.For(rows, r =>
        {
            var xs = x.ReadOnlySpan.Slice(r * d, d);
            T mu = TensorPrimitives.Sum(xs) / dT;
            T inv = T.One / T.Sqrt(ChannelMath.SumSquaredDeviations(xs, mu) / dT + epsT);
            mean[r] = mu;
            invStd[r] = inv;
            var ys = y.Span.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                T v = (xs[j] - mu) * inv;
                if (weight is not null) v *= weight.ReadOnlySpan[j];
                if (bias is not null) v += bias.ReadOnlySpan[j];
                ys[j] = v;
            }
        });
        Tensor<T>[] inputs = [x, .. new[] { weight, bias }.Where(p => p is not null).Select(p => p!)];
        return Graph.Record(y, "layer_norm", inputs, dy =>
        {
            Tensor<T>? dx = x.RequiresGrad ? Tensors.Empty<T>(x.ShapeArray) : null;
            Tensor<T>? dWeight = weight is { RequiresGrad: true } ? Tensors.Zeros<T>(weight.ShapeArray) : null;
            Tensor<T>? dBias = bias is { RequiresGrad: true } ? Tensors.Zeros<T>(bias.ShapeArray) : null;
            // Parameter gradients sum over rows: accumulate serially so the order never depends on threads.
            for (int r = 0; r < rows; r++)
            {
                var xs = x.ReadOnlySpan.Slice(r * d, d);
                var g = dy.ReadOnlySpan.Slice(r * d, d);
                for (int j = 0; j < d; j++)
                {
                    if (dWeight is not null) dWeight.Span[j] += g[j] * (xs[j] - mean[r]) * invStd[r];
                    if (dBias is not null) dBias.Span[j] += g[j];
                }
            }
            if (dx is not null)
                Parallelism.For(rows, r =>
                {
                    var xs = x.ReadOnlySpan.Slice(r * d, d);
                    var g = dy.ReadOnlySpan.Slice(r * d, d);
                    T mu = mean[r], inv = invStd[r];
                    T sumG = T.Zero, sumGXhat = T.Zero;
                    for (int j = 0; j < d; j++)
                    {
                        T gj = weight is null ? g[j] : g[j] * weight.ReadOnlySpan[j];
                        sumG += gj;
                        sumGXhat += gj * (xs[j] - mu) * inv;
                    }
                    var dxs = dx.Span.Slice(r * d, d);
                    for (int j = 0; j < d; j++)
                    {
                        T gj = weight is null ? g[j] : g[j] * weight.ReadOnlySpan[j];
                        T xhat = (xs[j] - mu) * inv;
                        dxs[j] = inv * (gj - sumG / dT - xhat * sumGXhat / dT);
                    }
                });
            return [dx, .. (weight is null ? Array.Empty<Tensor<T>?>() : [dWeight]), .. (bias is null ? Array.Empty<Tensor<T>?>() : [dBias])];
        });
    }
}

/// <summary>batch_norm2d's per-channel statistics and the y = x·scale + shift they give; <see cref="Compute"/> fills one
/// channel (and updates its running statistics), so callers can follow it with that channel's normalisation.</summary>
internal sealed class BatchNormStatistics<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T> _x;
    private readonly Tensor<T>? _weight, _bias, _runningMean, _runningVar;
    private readonly bool _useBatchStatistics;
    private readonly T _eps, _momentum;

    public BatchNormStatistics(Tensor<T> x, Tensor<T>? weight, Tensor<T>? bias,
        Tensor<T>? runningMean, Tensor<T>? runningVar, bool useBatchStatistics, double momentum, double eps)
    {
        Shapes.RequireRank("batch_norm2d", x, 4, "[N, C, H, W]");
        int c = x.Size(1), m = x.Size(0) * x.Size(2) * x.Size(3);
        foreach (var (p, name) in new[] { (weight, "weight"), (bias, "bias"), (runningMean, "running_mean"), (runningVar, "running_var") })
            if (p is not null && (p.Rank != 1 || p.Size(0) != c))
                throw new ArgumentException($"batch_norm2d: {name} {Shapes.Format(p.Shape)} does not match {c} channels.");
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException("batch_norm2d: give both running_mean and running_var, or neither.");
        if (!useBatchStatistics && runningMean is null)
            throw new ArgumentException("batch_norm2d: evaluation with running statistics needs running_mean and running_var.");
        if (useBatchStatistics && m <= 1)
            throw new ArgumentException($"batch_norm2d: batch statistics need more than one value per channel, got input {Shapes.Format(x.Shape)}.");
        (_x, _weight, _bias, _runningMean, _runningVar, _useBatchStatistics) = (x, weight, bias, runningMean, runningVar, useBatchStatistics);
        _eps = T.CreateTruncating(eps);
        _momentum = T.CreateTruncating(momentum);
        Mean = new T[c];
        InvStd = new T[c];
        Scale = new T[c];
        Shift = new T[c];
    }

    /// <summary>The mean used per channel.</summary>
    public T[] Mean { get; }
    /// <summary>1/sqrt(var + eps) per channel.</summary>
    public T[] InvStd { get; }
    public T[] Scale { get; }
    public T[] Shift { get; }

    public void Compute(int ch)
    {
        int n = _x.Size(0), c = _x.Size(1), hw = _x.Size(2) * _x.Size(3), m = n * hw;
        var xs = _x.ReadOnlySpan;
        T mu, variance;
        if (_useBatchStatistics)
        {
            T sum = T.Zero;
            for (int i = 0; i < n; i++) sum += TensorPrimitives.Sum(xs.Slice((i * c + ch) * hw, hw));
            mu = sum / T.CreateTruncating(m);
            T sq = T.Zero;
            for (int i = 0; i < n; i++) sq += ChannelMath.SumSquaredDeviations(xs.Slice((i * c + ch) * hw, hw), mu);
            variance = sq / T.CreateTruncating(m);
            if (_runningMean is not null)
            {
                var rm = _runningMean.Span;
                var rv = _runningVar!.Span;
                rm[ch] = (T.One - _momentum) * rm[ch] + _momentum * mu;
                rv[ch] = (T.One - _momentum) * rv[ch] + _momentum * (sq / T.CreateTruncating(m - 1));
            }
        }
        else
        {
            mu = _runningMean!.ReadOnlySpan[ch];
            variance = _runningVar!.ReadOnlySpan[ch];
        }
        T inv = T.One / T.Sqrt(variance + _eps);
        Mean[ch] = mu;
        InvStd[ch] = inv;
        Scale[ch] = _weight is null ? inv : _weight.ReadOnlySpan[ch] * inv;
        Shift[ch] = (_bias is null ? T.Zero : _bias.ReadOnlySpan[ch]) - mu * Scale[ch];
    }
}
