using System.Numerics;
using System.Runtime.Intrinsics;
using NasPS.Compute;
using NasPS.Compute.Kernels;
using NasPS.Networks;
using NasPS.Networks.Layers;

namespace NasPS.Proxies;

/// <summary>Which modules an activation-pattern proxy reads, and which side of them.</summary>
public enum PatternHooks
{
    /// <summary>Every ReLU module, output &gt; 0 (FreeREA's NASWOT, SWAP); on HybridEdge networks also every hardswish and GELU.</summary>
    ReluOutputs,
    /// <summary>Every module whose type name contains "ReLU", input &gt; 0: the official NASWOT filter, which also catches
    /// ReLUConvBN blocks and so counts their patterns twice (spec §3.3).</summary>
    ReluNamedInputs,
}

/// <summary>Binary activation patterns: hooking the modules, packing signs into bits, NASWOT's kernel and SWAP's count.</summary>
public static class ActivationPatterns
{
    /// <summary>Calls <paramref name="onActivation"/> with every selected tensor during the forward passes that follow;
    /// dispose the result to remove the hooks. Only activations of rank ≥ 3 are read (SWAP's rule of skipping [N, features]
    /// vectors; NB201's ReLUs are all 4-D, HybridEdge transformer GELUs are [N, tokens, features]).</summary>
    public static IDisposable Attach<T>(Module<T> network, PatternHooks hooks, Action<Tensor<T>> onActivation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var registrations = new List<IDisposable>();
        foreach (var module in network.Modules())
        {
            bool selected = hooks == PatternHooks.ReluOutputs
                ? ProxyNetworks.IsHookedActivation(module)
                : module.TypeName.Contains("ReLU", StringComparison.Ordinal);
            if (!selected) continue;
            // Feature maps and token maps, never [N, features] vectors. Inputs are read by pre-hooks, which leave a
            // ReLUConvBN free to fuse its ReLU into the convolution.
            if (hooks == PatternHooks.ReluNamedInputs)
                registrations.Add(module.RegisterForwardPreHook((_, input) =>
                {
                    if (input.Rank >= 3) onActivation(input);
                }));
            else
                registrations.Add(module.RegisterForwardHook((_, _, output) =>
                {
                    if (output.Rank >= 3) onActivation(output);
                }));
        }
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in items) r.Dispose();
            items.Clear();
        }
    }

    /// <summary>Writes bit i of <paramref name="words"/> = 1[values[i] &gt; 0] (bits past the end stay 0).</summary>
    public static void PackPositive<T>(ReadOnlySpan<T> values, Span<ulong> words) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int needed = (values.Length + 63) >> 6;
        if (words.Length < needed) throw new ArgumentException($"{values.Length} bits need {needed} words; {words.Length} given.", nameof(words));
        words[..needed].Clear();
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            int lanes = Vector512<T>.Count; // 16 floats or 8 doubles: divides 64, so a vector never straddles two words
            for (; i <= values.Length - lanes; i += lanes)
            {
                ulong bits = Vector512.GreaterThan(Vector512.Create(values[i..]), Vector512<T>.Zero).ExtractMostSignificantBits();
                words[i >> 6] |= bits << (i & 63);
            }
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int lanes = Vector256<T>.Count; // 8 floats or 4 doubles: divides 64, so a vector never straddles two words
            for (; i <= values.Length - lanes; i += lanes)
            {
                ulong bits = Vector256.GreaterThan(Vector256.Create(values[i..]), Vector256<T>.Zero).ExtractMostSignificantBits();
                words[i >> 6] |= bits << (i & 63);
            }
        }
        for (; i < values.Length; i++)
            if (values[i] > T.Zero) words[i >> 6] |= 1UL << (i & 63);
    }
}

/// <summary>
/// NASWOT's kernel (spec §3.3): K[i, j] = Σ over hooked units of 1[c_i = c_j] = N_A − Hamming(c_i, c_j), accumulated
/// exactly in 64-bit integers over any number of activation tensors of the same batch.
/// </summary>
public sealed class NaswotKernel : IDisposable
{
    private readonly long[] _k;
    private ulong[] _codes = [];
    // The agreements of the last few distinct tensors added, for the same tensor added again: the official filter hooks
    // a ReLUConvBN block and the ReLU inside it, which see one input, and a NAS-Bench-201 node feeds up to three
    // convolution edges (so a node is often added four or six times).
    private const int Remembered = 4;
    private readonly (object? Activation, long[] Agreements, long Units)[] _recent = new (object?, long[], long)[Remembered];
    private int _nextSlot;

    public NaswotKernel(int batch)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least one image.");
        Batch = batch;
        // A disposed kernel's arrays, kept by its thread for the next kernel of the same batch: at batch 128 they are
        // five 128 KiB count matrices and the codes, fresh large-object pages for every network otherwise.
        var spare = _spare;
        if (spare is not null && spare.Batch == batch)
        {
            _spare = null;
            (_k, _codes) = (spare.K, spare.Codes);
            Array.Clear(_k);
            for (int i = 0; i < Remembered; i++) _recent[i] = (null, spare.Agreements[i], 0);
        }
        else
        {
            _k = new long[batch * batch];
            for (int i = 0; i < Remembered; i++) _recent[i] = (null, [], 0);
        }
    }

    private sealed record Spare(int Batch, long[] K, long[][] Agreements, ulong[] Codes);

    [ThreadStatic] private static Spare? _spare;

    /// <summary>Hands the kernel's arrays to the next kernel made on this thread; the kernel must not be used after.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _spare = new Spare(Batch, _k, [.. _recent.Select(r => r.Agreements)], _codes);
    }

    private bool _disposed;

    public int Batch { get; }

    /// <summary>Number of units accumulated so far (N_A).</summary>
    public long Units { get; private set; }

    /// <summary>Adds the codes of one activation tensor [B, …] (unit = every element after the batch dimension). A tensor
    /// object added again counts again but is read once while it is among the last few distinct ones, so a tensor must not
    /// change in place once added.</summary>
    public void Add<T>(Tensor<T> activation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (activation.Size(0) != Batch)
            throw new ArgumentException($"NASWOT kernel: an activation has batch {activation.Size(0)}; the kernel was made for {Batch}.", nameof(activation));
        int slot = Remembered - 1;
        while (slot >= 0 && !ReferenceEquals(_recent[slot].Activation, activation)) slot--;
        if (slot < 0)
        {
            slot = _nextSlot;
            _nextSlot = (_nextSlot + 1) % Remembered;
            var agreements = _recent[slot].Agreements.Length == Batch * Batch ? _recent[slot].Agreements : new long[Batch * Batch];
            _recent[slot] = (activation, agreements, Agreements(activation, agreements));
        }
        System.Numerics.Tensors.TensorPrimitives.Add(_k, _recent[slot].Agreements, _k);
        Units += _recent[slot].Units;
    }

    /// <summary>agreements[i, j] = units − Hamming(c_i, c_j) for one activation tensor; returns its units per image.</summary>
    private long Agreements<T>(Tensor<T> activation, long[] agreements) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int units = activation.Length / Batch;
        int words = (units + 63) >> 6;
        if (_codes.Length < words * Batch) _codes = new ulong[words * Batch];
        var values = activation.ReadOnlySpan;
        for (int b = 0; b < Batch; b++)
            ActivationPatterns.PackPositive(values.Slice(b * units, units), _codes.AsSpan(b * words, words));
        // Rows split so each strip gets about the same number of pairs (row i has Batch − i); every pair writes only its
        // own two entries, and integer sums do not depend on the order, so any split gives the same kernel.
        int strips = Math.Min(Parallelism.Degree, Batch);
        long pairs = (long)Batch * (Batch + 1) / 2;
        var bounds = new int[strips + 1];
        for (int s = 1, row = 0; s <= strips; s++)
        {
            long target = pairs * s / strips, done = (long)row * (2 * Batch - row + 1) / 2;
            while (row < Batch && done < target) done += Batch - row++;
            bounds[s] = s == strips ? Batch : row;
        }
        var codes = _codes;
        Parallelism.For(strips, strip =>
        {
            for (int i = bounds[strip]; i < bounds[strip + 1]; i++)
            {
                var ci = codes.AsSpan(i * words, words);
                for (int j = i; j < Batch; j++)
                {
                    long agree = units - Hamming(ci, codes.AsSpan(j * words, words));
                    agreements[i * Batch + j] = agree;
                    agreements[j * Batch + i] = agree;
                }
            }
        });
        return units;
    }

    public long this[int i, int j]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _k[i * Batch + j];
        }
    }

    /// <summary>Σ popcount(a[w] ^ b[w]). x86 has no vector popcount in .NET, so the vector paths count bits per byte with a
    /// nibble table (vpshufb) and add the bytes up per 64-bit lane (vpsadbw); the rest is scalar POPCNT.</summary>
    internal static long Hamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        long total = 0;
        int w = 0;
        if (Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported && a.Length >= 8)
        {
            var table = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            var low = Vector512.Create((byte)0x0F);
            var sums = Vector512<ulong>.Zero;
            while (w <= a.Length - 8)
            {
                // Byte counts (≤ 8 per step) add up in bytes for up to 31 steps before one widening sum.
                var bytes = Vector512<byte>.Zero;
                int end = Math.Min(a.Length - a.Length % 8, w + 31 * 8);
                for (; w < end; w += 8)
                {
                    var x = (Vector512.Create(a.Slice(w, 8)) ^ Vector512.Create(b.Slice(w, 8))).AsByte();
                    bytes += System.Runtime.Intrinsics.X86.Avx512BW.Shuffle(table, x & low)
                           + System.Runtime.Intrinsics.X86.Avx512BW.Shuffle(table, Vector512.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low);
                }
                sums += System.Runtime.Intrinsics.X86.Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64();
            }
            total = (long)Vector512.Sum(sums);
        }
        else if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx2.IsSupported && a.Length >= 4)
        {
            var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            var low = Vector256.Create((byte)0x0F);
            var sums = Vector256<ulong>.Zero;
            for (; w <= a.Length - 4; w += 4)
            {
                var x = (Vector256.Create(a.Slice(w, 4)) ^ Vector256.Create(b.Slice(w, 4))).AsByte();
                var counts = System.Runtime.Intrinsics.X86.Avx2.Shuffle(table, x & low)
                           + System.Runtime.Intrinsics.X86.Avx2.Shuffle(table, Vector256.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low);
                sums += System.Runtime.Intrinsics.X86.Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsUInt64();
            }
            total = (long)Vector256.Sum(sums);
        }
        for (; w < a.Length; w++) total += BitOperations.PopCount(a[w] ^ b[w]);
        return total;
    }

    /// <summary>ln |det K| in float64; −∞ when K is singular (decided exactly, see <see cref="LinearAlgebra"/>).</summary>
    public double LogAbsDeterminant()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return LinearAlgebra.LogAbsDeterminant(_k, Batch);
    }
}

/// <summary>
/// SWAP's count (spec §3.5): the number of distinct S-bit sample-wise patterns over all units of all hooked activations.
/// S ≤ 16 uses a 2^S-bit set; 16 &lt; S ≤ 64 a hash set of 64-bit patterns.
/// </summary>
public sealed class SwapPatternSet
{
    public const int MaxSamples = 64;
    private readonly ulong[]? _bits;
    private readonly HashSet<ulong>? _set;
    private ulong[] _patterns = [];

    public SwapPatternSet(int samples)
    {
        if (samples is < 1 or > MaxSamples)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"SWAP patterns are counted for 1..{MaxSamples} samples.");
        Samples = samples;
        if (samples <= 16) _bits = new ulong[(1 << samples) / 64 + 1];
        else _set = [];
    }

    public int Samples { get; }

    /// <summary>Distinct patterns seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>Units read so far (V).</summary>
    public long Units { get; private set; }

    public void Add<T>(Tensor<T> activation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (activation.Size(0) != Samples)
            throw new ArgumentException($"SWAP: an activation has {activation.Size(0)} samples; the set was made for {Samples}.", nameof(activation));
        int units = activation.Length / Samples;
        if (_patterns.Length < units) _patterns = new ulong[units];
        var patterns = _patterns.AsSpan(0, units);
        patterns.Clear();
        var values = activation.ReadOnlySpan;
        for (int s = 0; s < Samples; s++)
        {
            var row = values.Slice(s * units, units);
            ulong bit = 1UL << s;
            for (int u = 0; u < units; u++)
                if (row[u] > T.Zero) patterns[u] |= bit;
        }
        foreach (ulong p in patterns)
        {
            if (_bits is not null)
            {
                ref ulong word = ref _bits[p >> 6];
                ulong mask = 1UL << (int)(p & 63);
                if ((word & mask) == 0)
                {
                    word |= mask;
                    Count++;
                }
            }
            else if (_set!.Add(p)) Count++;
        }
        Units += units;
    }
}

/// <summary>The dense linear algebra the proxies need, in float64.</summary>
public static class LinearAlgebra
{
    /// <summary>
    /// ln |det A| of an integer n×n matrix (row-major): −∞ when A is singular, decided exactly by elimination modulo
    /// primes (a non-singular A modulo p proves det ≠ 0; a non-singular A is called singular only when both 2³¹ − 1 and
    /// 2⁶¹ − 1 divide det, probability ~1e-28); otherwise the float64 LU value. So a rank-deficient NASWOT kernel is −∞ and never a rounding-dependent large negative number.
    /// </summary>
    public static double LogAbsDeterminant(long[] a, int n)
    {
        if (a.Length != n * n) throw new ArgumentException($"A {n}×{n} matrix has {n * n} entries, not {a.Length}.", nameof(a));
        // Non-singular modulo any prime means non-singular: the fast 31-bit field settles almost every matrix, and only
        // one it calls singular is checked again modulo 2⁶¹ − 1 (both wrong together: ~1e-28).
        if (IsSingularModulo(a, n, Mersenne31) && IsSingularModulo(a, n, MersennePrime61)) return double.NegativeInfinity;
        var d = new double[a.Length];
        for (int i = 0; i < d.Length; i++) d[i] = a[i];
        return LogAbsDeterminant(d, n);
    }

    /// <summary>ln |det A| by LU with partial pivoting in float64 (A row-major, overwritten); −∞ for an exactly zero pivot.</summary>
    public static double LogAbsDeterminant(double[] a, int n)
    {
        if (a.Length != n * n) throw new ArgumentException($"A {n}×{n} matrix has {n * n} entries, not {a.Length}.", nameof(a));
        double logDet = 0;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(a[r * n + col]) > Math.Abs(a[pivot * n + col])) pivot = r;
            if (a[pivot * n + col] == 0) return double.NegativeInfinity;
            if (pivot != col)
                for (int k = 0; k < n; k++) (a[col * n + k], a[pivot * n + k]) = (a[pivot * n + k], a[col * n + k]);
            double p = a[col * n + col];
            logDet += Math.Log(Math.Abs(p));
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r * n + col] / p;
                if (f == 0) continue;
                for (int k = col + 1; k < n; k++) a[r * n + k] -= f * a[col * n + k];
            }
        }
        return logDet;
    }

    private const ulong Mersenne31 = (1UL << 31) - 1;

    /// <summary>Whether det A ≡ 0 (mod <paramref name="prime"/>), by Gaussian elimination over the field.</summary>
    public static bool IsSingularModulo(long[] a, int n, ulong prime)
    {
        if (prime == Mersenne31 && Vector512.IsHardwareAccelerated) return IsSingularModuloMersenne31(a, n);
        var m = Residues(a, prime);
        for (int col = 0; col < n; col++)
        {
            if (!PlacePivot(m, n, col)) return true;
            ulong inverse = PowMod(m[col * n + col], prime - 2, prime);
            var pivotRow = m.AsSpan(col * n + col, n - col);
            for (int r = col + 1; r < n; r++)
            {
                var row = m.AsSpan(r * n + col, n - col);
                ulong f = MulMod(row[0], inverse, prime);
                if (f == 0) continue;
                for (int k = 0; k < row.Length; k++)
                {
                    ulong difference = row[k] + prime - MulMod(f, pivotRow[k], prime);
                    row[k] = difference >= prime ? difference - prime : difference;
                }
            }
        }
        return false;
    }

    private const ulong MersennePrime61 = (1UL << 61) - 1;

    /// <summary>a mod p, in [0, p).</summary>
    private static ulong[] Residues(long[] a, ulong p)
    {
        var m = new ulong[a.Length];
        for (int i = 0; i < m.Length; i++)
        {
            long r = a[i] % (long)p;
            m[i] = (ulong)(r < 0 ? r + (long)p : r);
        }
        return m;
    }

    /// <summary>Swaps a row with a non-zero entry in column <paramref name="col"/> (at or below the diagonal) into row
    /// <paramref name="col"/>; false when there is none, i.e. the matrix is singular.</summary>
    private static bool PlacePivot(ulong[] m, int n, int col)
    {
        int pivot = col;
        while (pivot < n && m[pivot * n + col] == 0) pivot++;
        if (pivot == n) return false;
        if (pivot != col)
            for (int k = 0; k < n; k++) (m[col * n + k], m[pivot * n + k]) = (m[pivot * n + k], m[col * n + k]);
        return true;
    }

    /// <summary>
    /// <see cref="IsSingularModulo"/> for p = 2³¹ − 1 with the row updates eight lanes at a time: residues below 2³¹ keep
    /// every product below 2⁶², which folds with shifts (2³¹ ≡ 1) in 64-bit lanes.
    /// </summary>
    private static bool IsSingularModuloMersenne31(long[] a, int n)
    {
        const ulong p = Mersenne31;
        var m = Residues(a, p);
        var mask = Vector512.Create(p);
        for (int col = 0; col < n; col++)
        {
            if (!PlacePivot(m, n, col)) return true;
            ulong inverse = PowMod(m[col * n + col], p - 2, p);
            var pivotRow = m.AsSpan(col * n + col, n - col);
            for (int r = col + 1; r < n; r++)
            {
                var row = m.AsSpan(r * n + col, n - col);
                ulong f = row[0] * inverse % p;
                if (f == 0) continue;
                var factor = Vector512.Create(f);
                int k = 0;
                for (; k + 8 <= row.Length; k += 8)
                {
                    var product = factor * Vector512.Create(pivotRow.Slice(k, 8));
                    var folded = (product & mask) + (product >> 31);
                    folded = (folded & mask) + (folded >> 31);
                    folded = Vector512.Min(folded, folded - mask);           // < p (unsigned: a wrapped difference is huge)
                    var difference = Vector512.Create(row.Slice(k, 8)) + mask - folded;
                    Vector512.Min(difference, difference - mask).CopyTo(row.Slice(k, 8));
                }
                for (; k < row.Length; k++)
                {
                    ulong difference = row[k] + p - pivotRow[k] * f % p;
                    row[k] = difference >= p ? difference - p : difference;
                }
            }
        }
        return false;
    }

    /// <summary>x·y mod p for x, y &lt; p. For the Mersenne prime 2⁶¹ − 1 the 122-bit product folds with shifts
    /// (2⁶¹ ≡ 1), an order of magnitude faster than a 128-bit division.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong MulMod(ulong x, ulong y, ulong p)
    {
        if (p != MersennePrime61) return (ulong)((UInt128)x * y % p);
        ulong high = Math.BigMul(x, y, out ulong low);
        ulong folded = (low & MersennePrime61) + ((low >> 61) | (high << 3));
        folded = (folded & MersennePrime61) + (folded >> 61);
        return folded >= MersennePrime61 ? folded - MersennePrime61 : folded;
    }

    private static ulong PowMod(ulong b, ulong e, ulong p)
    {
        ulong result = 1;
        for (b %= p; e > 0; e >>= 1, b = MulMod(b, b, p))
            if ((e & 1) == 1) result = MulMod(result, b, p);
        return result;
    }

    /// <summary>Eigenvalues of a symmetric n×n matrix (row-major; overwritten) by cyclic Jacobi rotations, ascending.</summary>
    public static double[] SymmetricEigenvalues(double[] a, int n)
    {
        if (a.Length != n * n) throw new ArgumentException($"A {n}×{n} matrix has {n * n} entries, not {a.Length}.", nameof(a));
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, total = 0;
            for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = a[i * n + j] * a[i * n + j];
                total += v;
                if (i != j) off += v;
            }
            if (off <= 1e-30 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++)
            {
                double apq = a[p * n + q];
                if (apq == 0) continue;
                double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                if (theta == 0) t = 1;
                double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++)
                {
                    double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++)
                {
                    double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
        var eigenvalues = new double[n];
        for (int i = 0; i < n; i++) eigenvalues[i] = a[i * n + i];
        Array.Sort(eigenvalues);
        return eigenvalues;
    }
}
