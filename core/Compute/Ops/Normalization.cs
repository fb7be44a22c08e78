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
    /// (<see cref="SumTerms{T}"/>) and saves a pass over x and its output. Not recorded for autograd.
    /// </summary>
    /// <param name="moments">x's plane moments, when its producer took them (<see cref="ReluConv2dWithMoments{T}"/>).</param>
    public static (T[] Scale, T[] Shift) BatchNorm2dCoefficients<T>(Tensor<T> x, Tensor<T>? weight, Tensor<T>? bias,
        Tensor<T>? runningMean, Tensor<T>? runningVar, bool useBatchStatistics, double momentum = 0.1, double eps = 1e-5,
        PlaneMoments<T>? moments = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Graph.NeedsGrad(x, weight, bias))
            throw new InvalidOperationException("batch_norm2d coefficients are not recorded for autograd; use BatchNorm2d while gradients are recorded.");
        var statistics = new BatchNormStatistics<T>(x, weight, bias, runningMean, runningVar, useBatchStatistics, momentum, eps, moments);
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

/// <summary>Per (image, channel) plane of an [N, C, H, W] tensor: the sum of the plane and the sum of squared deviations
/// about the plane's own mean, in float64 whatever T is, which batch-norm statistics combine
/// (<see cref="Ops.BatchNorm2dCoefficients{T}"/>). A convolution can take them as it writes each plane
/// (<see cref="Ops.ReluConv2dWithMoments{T}"/>), so the statistics need no pass of their own over its output.</summary>
/// Like a tensor, the moments belong to the tensor scope they were taken in (their buffer goes back to the pool with it).
public sealed class PlaneMoments<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<double> _values;

    /// <param name="values">2·N·C values: (sum, squared deviations) for plane (n, c) at 2·(n·C + c).</param>
    internal PlaneMoments(int images, int channels, int planeSize, Tensor<double> values)
    {
        if (values.Length != 2L * images * channels)
            throw new ArgumentException($"Plane moments of [{images}, {channels}] planes need {2L * images * channels} values, not {values.Length}.");
        (Images, Channels, PlaneSize, _values) = (images, channels, planeSize, values);
    }

    public int Images { get; }
    public int Channels { get; }
    public int PlaneSize { get; }

    public double Sum(int image, int channel) => _values.ReadOnlySpan[2 * (image * Channels + channel)];

    public double SquaredDeviations(int image, int channel) => _values.ReadOnlySpan[2 * (image * Channels + channel) + 1];

    /// <summary>The moments of every plane of <paramref name="x"/> [N, C, H, W].</summary>
    public static PlaneMoments<T> Of(Tensor<T> x)
    {
        Shapes.RequireRank("plane moments", x, 4, "[N, C, H, W]");
        int n = x.Size(0), c = x.Size(1), hw = x.Size(2) * x.Size(3);
        var values = Tensors.Empty<double>(2 * n * c);
        var span = values.Span;
        for (int plane = 0; plane < n * c; plane++)
            (span[2 * plane], span[2 * plane + 1]) = OfPlane(x.ReadOnlySpan.Slice(plane * hw, hw));
        return new(n, c, hw, values);
    }

    /// <summary>The sum of a plane and its squared deviations about its mean, accumulated in float64 (two passes over a
    /// plane in cache). Float64 matters for float32 tensors: combining planes adds hw·(μ_i − μ)², whose error is first
    /// order in the error of each plane's mean, so a channel with a large mean and a small spread needs exact plane sums.</summary>
    internal static (double Sum, double SquaredDeviations) OfPlane(ReadOnlySpan<T> plane) => ChannelMath.PlaneMoments(plane);
}

/// <summary>batch_norm2d's per-channel statistics and the y = x·scale + shift they give; <see cref="Compute"/> fills one
/// channel (and updates its running statistics), so callers can follow it with that channel's normalisation.</summary>
internal sealed class BatchNormStatistics<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T> _x;
    private readonly Tensor<T>? _weight, _bias, _runningMean, _runningVar;
    private readonly bool _useBatchStatistics;
    private readonly T _eps, _momentum;
    private readonly PlaneMoments<T>? _moments;

    /// <param name="moments">x's plane moments when the caller has them; otherwise each channel takes its own.</param>
    public BatchNormStatistics(Tensor<T> x, Tensor<T>? weight, Tensor<T>? bias,
        Tensor<T>? runningMean, Tensor<T>? runningVar, bool useBatchStatistics, double momentum, double eps, PlaneMoments<T>? moments = null)
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
        if (moments is not null && (moments.Images != x.Size(0) || moments.Channels != c || moments.PlaneSize != x.Size(2) * x.Size(3)))
            throw new ArgumentException($"batch_norm2d: the plane moments given are of [{moments.Images}, {moments.Channels}] planes of {moments.PlaneSize}, not of {Shapes.Format(x.Shape)}.");
        (_x, _weight, _bias, _runningMean, _runningVar, _useBatchStatistics, _moments) = (x, weight, bias, runningMean, runningVar, useBatchStatistics, moments);
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
        T mu, variance;
        if (_useBatchStatistics)
        {
            // Each plane's sum and squared deviations about its own mean (given, or taken here while the plane is in
            // cache: one pass over x), combined as in Chan et al.'s parallel variance: the mean is the sum of the plane
            // sums over m, and Σ(x − μ)² = Σ_planes [q_i + hw·(μ_i − μ)²].
            // All in float64, then rounded to T.
            Span<double> sums = n <= 512 ? stackalloc double[n] : new double[n], deviations = n <= 512 ? stackalloc double[n] : new double[n];
            var xs = _x.ReadOnlySpan;
            for (int i = 0; i < n; i++)
                (sums[i], deviations[i]) = _moments is null
                    ? PlaneMoments<T>.OfPlane(xs.Slice((i * c + ch) * hw, hw))
                    : (_moments.Sum(i, ch), _moments.SquaredDeviations(i, ch));
            double total = 0;
            for (int i = 0; i < n; i++) total += sums[i];
            double mean = total / m, squares = 0;
            for (int i = 0; i < n; i++)
            {
                double offset = sums[i] / hw - mean;
                squares += deviations[i] + hw * (offset * offset);
            }
            mu = T.CreateTruncating(mean);
            variance = T.CreateTruncating(squares / m);
            T sq = T.CreateTruncating(squares);
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
