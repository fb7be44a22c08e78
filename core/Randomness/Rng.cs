using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace NasPS.Randomness;

/// <summary>
/// The project's seeded generator: xoshiro256** seeded through SplitMix64.
/// Its whole state is four words, so a search can checkpoint it and resume bit-exactly;
/// System.Random offers neither a stable algorithm contract nor an exportable state.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private Rng(ulong s0, ulong s1, ulong s2, ulong s3) => (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    /// <summary>Restores a generator from <see cref="GetState"/>.</summary>
    public static Rng FromState(IReadOnlyList<ulong> state)
    {
        if (state.Count != 4) throw new ArgumentException("An Rng state has exactly 4 words.", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("An all-zero Rng state is invalid.", nameof(state));
        return new Rng(state[0], state[1], state[2], state[3]);
    }

    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    /// <summary>An independent generator for sub-stream <paramref name="stream"/>, derived from this one's seed material
    /// without advancing it: parallel work gets the same numbers whatever the thread count.</summary>
    public Rng Fork(ulong stream)
    {
        ulong x = _s0 ^ (stream * 0x9E3779B97F4A7C15UL) ^ Rotl(_s2, 17);
        return new Rng(SplitMix64(ref x) ^ _s1);
    }

    public ulong NextUInt64() => Step(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>One xoshiro256** output, advancing the state given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Step(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = Rotl(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Rotl(s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The upper bound must be positive.");
        return (int)NextUInt64((ulong)n);
    }

    /// <summary>Uniform integer in [0, n), unbiased.</summary>
    public ulong NextUInt64(ulong n)
    {
        if (n == 0) throw new ArgumentOutOfRangeException(nameof(n), "The upper bound must be positive.");
        ulong x = NextUInt64();
        UInt128 m = (UInt128)x * n;
        ulong low = (ulong)m;
        if (low < n)
        {
            ulong threshold = (0 - n) % n;
            while (low < threshold)
            {
                x = NextUInt64();
                m = (UInt128)x * n;
                low = (ulong)m;
            }
        }
        return (ulong)(m >> 64);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Fills <paramref name="destination"/> with the values <see cref="NextDouble"/> would return one after another, and
    /// leaves the generator where those calls would: the same stream, with the state held in locals instead of fields.
    /// </summary>
    public void FillUniform(Span<double> destination)
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (Step(ref s0, ref s1, ref s2, ref s3) >> 11) * (1.0 / (1UL << 53));
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>Standard normal by Box–Muller; the second value is discarded so the state stays four words.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with standard normals drawn as <see cref="NextGaussian"/> draws them (the same
    /// two uniforms per value, in order, so the generator ends in the same state), with the logarithm, square root and
    /// cosine vectorised: ~6× faster on weight tensors, and equal to <see cref="NextGaussian"/>'s values to within an ulp
    /// or two (vector and scalar math libraries may round the last bit differently).
    /// </summary>
    public void FillGaussian(Span<double> destination)
    {
        const int chunk = 256;
        Span<double> uniforms = stackalloc double[2 * chunk], angles = stackalloc double[chunk];
        for (int start = 0; start < destination.Length; start += chunk)
        {
            var radii = destination.Slice(start, Math.Min(chunk, destination.Length - start));
            var angle = angles[..radii.Length];
            var pairs = uniforms[..(2 * radii.Length)];
            FillUniform(pairs); // u1, u2 of value 0, then of value 1, …
            for (int i = 0; i < radii.Length; i++)
            {
                radii[i] = 1.0 - pairs[2 * i]; // (0, 1]: log is finite
                angle[i] = pairs[2 * i + 1];
            }
            TensorPrimitives.Log(radii, radii);
            TensorPrimitives.Multiply(radii, -2.0, radii);
            TensorPrimitives.Sqrt(radii, radii);
            // cos(2πu) = −cos(2π(u − ½)): the vector cosine is ~5× faster on [−π, π) than beyond it, and u − ½ is exact.
            TensorPrimitives.Add(angle, -0.5, angle);
            TensorPrimitives.Multiply(angle, 2.0 * Math.PI, angle);
            TensorPrimitives.Cos(angle, angle);
            TensorPrimitives.Multiply(radii, angle, radii);
            TensorPrimitives.Negate(radii, radii);
        }
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
