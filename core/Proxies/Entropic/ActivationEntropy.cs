using System.Numerics;
using System.Runtime.InteropServices;
using NasPS.Compute;
using NasPS.Networks;
using NasPS.Networks.Layers;

namespace NasPS.Proxies.Entropic;

/// <summary>The per-layer summary of one forward pass: how uncertain each post-ReLU element is across the batch.</summary>
/// <param name="Name">Dotted module name of the hooked ReLU (e.g. "cells.0.layers.3.op.0", "lastact.1").</param>
/// <param name="Elements">Elements per sample (C·H·W).</param>
/// <param name="MeanBernoulli">Mean over elements of the binary entropy (nats) of the element's on/off state across the batch.</param>
/// <param name="MeanGaussian">Mean over elements of ½ln(2πe(σ² + ε)), σ² the element's population variance across the batch.</param>
/// <param name="ConstantFraction">Share of elements with the same value for every sample (zero variance).</param>
/// <param name="LayerVariance">Variance of all the layer's values (over samples and elements together).</param>
/// <param name="OnFraction">Share of all the layer's values (over samples and elements together) that are &gt; 0.</param>
/// <param name="Epsilon">The ε the Gaussian entropies were computed with.</param>
public sealed record LayerEntropy(string Name, int Elements, double MeanBernoulli, double MeanGaussian, double ConstantFraction,
    double LayerVariance, double OnFraction, double Epsilon)
{
    /// <summary>Mean element-wise entropy H(S | E) of the layer (S the value or on/off state, E the element).</summary>
    public double ElementEntropy(EntropyEstimator estimator) => estimator == EntropyEstimator.Bernoulli ? MeanBernoulli : MeanGaussian;

    /// <summary>Entropy H(S) of the layer's values pooled over its elements: binary entropy of the overall on-fraction, or
    /// the Gaussian entropy of the overall variance.</summary>
    public double PooledEntropy(EntropyEstimator estimator) => estimator == EntropyEstimator.Bernoulli
        ? ActivationEntropyRecorder<double>.BinaryEntropy(OnFraction)
        : ActivationEntropyRecorder<double>.GaussianEntropy(LayerVariance, Epsilon);

    /// <summary>I(S; E) = H(S) − H(S | E): how much knowing which element (unit × position) tells about its activation.
    /// Non-negative (concavity of entropy; for the Gaussian form, pooled variance ≥ mean element variance); 0 for a layer
    /// whose elements all behave alike, and for a dead (constant) layer.</summary>
    public double UnitInformation(EntropyEstimator estimator) => PooledEntropy(estimator) - ElementEntropy(estimator);
}

/// <summary>
/// Accumulates, in one pass over every ReLU module's output, the per-element statistics the entropic score needs:
/// the count of samples where the element is on (&gt; 0), its sum and its sum of squares, all in float64.
/// Attach it to a network, run one forward pass, read <see cref="Layers"/>; <see cref="Reset"/> before the next pass.
/// </summary>
public sealed class ActivationEntropyRecorder<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private sealed class Accumulator(string name)
    {
        public string Name { get; } = name;
        public int Samples;
        public int[] On = [];
        public double[] Sum = [];
        public double[] SumOfSquares = [];
    }

    private readonly List<IDisposable> _hooks = [];
    private readonly List<Accumulator> _accumulators = [];
    private readonly bool _moments;

    /// <summary>Hooks every feature activation of <paramref name="network"/> — its ReLU modules, and HybridEdge's hardswish and
    /// GELU, outside squeeze-excite gates (<see cref="ProxyNetworks.FeatureActivations"/>) — in module order.</summary>
    /// <param name="moments">Also accumulate sums and sums of squares (the Gaussian statistics). Without them only on-counts
    /// are kept — all the Bernoulli estimator needs, at a fraction of the cost — and the Gaussian fields of
    /// <see cref="LayerEntropy"/> are NaN.</param>
    public ActivationEntropyRecorder(Module<T> network, bool moments = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        _moments = moments;
        foreach (var module in network.Modules()) AllTraining &= module.IsTraining;
        foreach (var (name, module) in ProxyNetworks.FeatureActivations(network))
        {
            var accumulator = new Accumulator(name);
            _accumulators.Add(accumulator);
            _hooks.Add(module.RegisterForwardHook((_, _, output) => Accumulate(accumulator, output, moments)));
        }
    }

    /// <summary>Number of hooked ReLU modules.</summary>
    public int HookedModules => _accumulators.Count;

    /// <summary>Whether every module of the network was in training mode when hooked (then a caller that needs train mode
    /// can skip a second walk over the modules).</summary>
    public bool AllTraining { get; private set; } = true;

    // Binary entropies H_b(k / samples), k = 0..samples: every layer of a pass has the same sample count, so one table serves all.
    private double[] _bernoulliOf = [];

    private static void Accumulate(Accumulator a, Tensor<T> output, bool moments)
    {
        if (output.Rank < 2) throw new InvalidOperationException($"{a.Name}: a hooked activation needs a batch dimension.");
        int batch = output.Size(0), elements = output.Length / batch;
        if (a.Samples == 0)
        {
            if (a.On.Length != elements)
            {
                a.On = new int[elements];
                a.Sum = moments ? new double[elements] : [];
                a.SumOfSquares = moments ? new double[elements] : [];
            }
        }
        else if (a.On.Length != elements)
            throw new InvalidOperationException($"{a.Name}: the activation changed size between passes ({a.On.Length} → {elements} elements per sample).");
        var values = output.ReadOnlySpan;
        if (moments) AccumulateSamples(a, values, batch, elements);
        else CountOn(a, values, batch, elements);
        a.Samples += batch;
    }

    // One pass per sample over contiguous elements; the on-count is branch-free (signs are unpredictable).
    private static void AccumulateSamples<TValue>(Accumulator a, ReadOnlySpan<TValue> values, int batch, int elements)
        where TValue : unmanaged, IFloatingPointIeee754<TValue>
    {
        var on = a.On.AsSpan(0, elements);
        var sum = a.Sum.AsSpan(0, elements);
        var squares = a.SumOfSquares.AsSpan(0, elements);
        for (int n = 0; n < batch; n++)
        {
            var sample = values.Slice(n * elements, elements);
            for (int e = 0; e < sample.Length; e++)
            {
                double v = double.CreateTruncating(sample[e]);
                on[e] += v > 0 ? 1 : 0;
                sum[e] += v;
                squares[e] += v * v;
            }
        }
    }

    // Elements counted together over the whole batch: their int counts (8 KB) stay in L1 while each sample's slice of
    // them streams in sequentially.
    private const int CountBlock = 2048;

    private static void CountOn(Accumulator a, ReadOnlySpan<T> values, int batch, int elements)
    {
        var on = a.On.AsSpan(0, elements);
        int whole = 0;
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            // A float comparison lane is all ones — −1 as an int32 — where the element is on: subtracting it counts.
            whole = elements / Vector<T>.Count * Vector<T>.Count;
            for (int start = 0; start < whole; start += CountBlock)
            {
                int length = Math.Min(CountBlock, whole - start);
                var counts = MemoryMarshal.Cast<int, Vector<int>>(on.Slice(start, length));
                for (int n = 0; n < batch; n++)
                {
                    var lanes = MemoryMarshal.Cast<T, Vector<T>>(values.Slice(n * elements + start, length));
                    for (int v = 0; v < lanes.Length; v++) counts[v] -= Vector.As<T, int>(Vector.GreaterThan(lanes[v], Vector<T>.Zero));
                }
            }
        }
        for (int n = 0; n < batch; n++)
        {
            var sample = values.Slice(n * elements, elements);
            for (int e = whole; e < elements; e++) on[e] += sample[e] > T.Zero ? 1 : 0;
        }
    }

    /// <summary>Clears the statistics (keeps the hooks) for the next pass.</summary>
    public void Reset()
    {
        foreach (var a in _accumulators)
        {
            a.Samples = 0;
            Array.Clear(a.On);
            Array.Clear(a.Sum);
            Array.Clear(a.SumOfSquares);
        }
    }

    /// <summary>The per-layer entropies of what was recorded since the last reset, in hook order; layers that never ran are left out.</summary>
    /// <param name="epsilon">ε of the Gaussian estimator (keeps a constant element's entropy finite).</param>
    public IReadOnlyList<LayerEntropy> Layers(double epsilon)
    {
        var layers = new List<LayerEntropy>(_accumulators.Count);
        foreach (var a in _accumulators)
        {
            if (a.Samples == 0) continue;
            if (a.Samples < 2) throw new InvalidOperationException($"{a.Name}: entropies across the batch need at least 2 samples.");
            double bernoulli = 0, gaussian = 0;
            int constant = 0;
            double total = 0, totalSquares = 0;
            long totalOn = 0;
            double inverseSamples = 1.0 / a.Samples;
            // p = k / samples takes only samples + 1 values: tabulate the binary entropy once.
            if (_bernoulliOf.Length != a.Samples + 1)
            {
                _bernoulliOf = new double[a.Samples + 1];
                for (int k = 0; k <= a.Samples; k++) _bernoulliOf[k] = BinaryEntropy(k * inverseSamples);
            }
            var bernoulliOf = _bernoulliOf;
            for (int e = 0; e < a.On.Length; e++)
            {
                bernoulli += bernoulliOf[a.On[e]];
                totalOn += a.On[e];
                if (!_moments) continue;
                double mean = a.Sum[e] * inverseSamples;
                // Population variance; clamp the rounding residue of E[x²] − E[x]² at 0.
                double variance = Math.Max(0, a.SumOfSquares[e] * inverseSamples - mean * mean);
                if (variance == 0) constant++;
                total += a.Sum[e];
                totalSquares += a.SumOfSquares[e];
                gaussian += GaussianEntropy(variance, epsilon);
            }
            int count = a.On.Length;
            double values = (double)count * a.Samples, layerMean = total / values;
            double layerVariance = Math.Max(0, totalSquares / values - layerMean * layerMean);
            layers.Add(_moments
                ? new LayerEntropy(a.Name, count, bernoulli / count, gaussian / count, (double)constant / count, layerVariance, totalOn / values, epsilon)
                : new LayerEntropy(a.Name, count, bernoulli / count, double.NaN, double.NaN, double.NaN, totalOn / values, epsilon));
        }
        return layers;
    }

    /// <summary>−p ln p − (1 − p) ln(1 − p), with 0 ln 0 = 0.</summary>
    public static double BinaryEntropy(double p) =>
        p <= 0 || p >= 1 ? 0 : -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));

    /// <summary>Differential entropy of a normal with variance σ² + ε: ½ ln(2πe(σ² + ε)).</summary>
    public static double GaussianEntropy(double variance, double epsilon) =>
        0.5 * Math.Log(2 * Math.PI * Math.E * (variance + epsilon));

    public void Dispose()
    {
        foreach (var h in _hooks) h.Dispose();
        _hooks.Clear();
    }
}
