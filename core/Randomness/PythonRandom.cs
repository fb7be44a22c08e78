namespace NasPS.Randomness;

/// <summary>
/// CPython 3's <c>random</c> module generator (MT19937), ported only as far as benchmark index orders need:
/// <c>seed(int)</c>, <c>getrandbits(k ≤ 32)</c>, <c>_randbelow</c> and <c>shuffle</c>. NAS-Bench-201's official
/// index order is a list shuffled by <c>random.seed(88); random.shuffle(list)</c> (spec §1.4), so reproducing it
/// needs Python's exact draws. Everything else in NasPS uses <see cref="Rng"/>.
/// </summary>
public sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _mt = new uint[N];
    private int _mti;

    /// <summary>As <c>random.seed(seed)</c> with an int argument (Python 3.2+).</summary>
    public PythonRandom(long seed) => Seed(seed);

    /// <summary>As <c>random.seed(seed)</c>: the absolute value split into 32-bit words, least significant first
    /// (zero is the single word 0), fed to MT19937's <c>init_by_array</c>.</summary>
    public void Seed(long seed)
    {
        ulong magnitude = seed < 0 ? unchecked((ulong)(-seed)) : (ulong)seed; // long.MinValue wraps to 2^63, which is its magnitude
        uint low = (uint)magnitude, high = (uint)(magnitude >> 32);
        InitByArray(high == 0 ? [low] : [low, high]);
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (int i = 1; i < N; i++)
            _mt[i] = unchecked(1812433253U * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _mti = N;
    }

    private void InitByArray(ReadOnlySpan<uint> key)
    {
        InitGenrand(19650218U);
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
            if (j >= key.Length) j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941U)) - (uint)i);
            i++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
        }
        _mt[0] = 0x80000000U; // MSB is 1, assuring a non-zero initial array
    }

    /// <summary>The next tempered 32-bit MT19937 output (<c>genrand_uint32</c>).</summary>
    public uint NextUInt32()
    {
        if (_mti >= N) Regenerate();
        uint y = _mt[_mti++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    private void Regenerate()
    {
        int kk;
        for (kk = 0; kk < N - M; kk++) _mt[kk] = Twist(_mt[kk], _mt[kk + 1], _mt[kk + M]);
        for (; kk < N - 1; kk++) _mt[kk] = Twist(_mt[kk], _mt[kk + 1], _mt[kk + (M - N)]);
        _mt[N - 1] = Twist(_mt[N - 1], _mt[0], _mt[M - 1]);
        _mti = 0;
    }

    private static uint Twist(uint current, uint next, uint far)
    {
        uint y = (current & UpperMask) | (next & LowerMask);
        return far ^ (y >> 1) ^ ((y & 1U) != 0 ? MatrixA : 0U);
    }

    /// <summary>As <c>random.getrandbits(bits)</c> for 0 ≤ bits ≤ 32: the top <paramref name="bits"/> bits of one output.</summary>
    public uint GetRandBits(int bits)
    {
        if (bits is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(bits), bits, "This port supports 0 to 32 bits per draw.");
        return bits == 0 ? 0U : NextUInt32() >> (32 - bits);
    }

    /// <summary>As <c>random._randbelow(n)</c>: draw bit_length(n) bits until the value is below n (rejection, no modulo).</summary>
    public int RandBelow(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The upper bound must be positive.");
        int bits = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n);
        uint r = GetRandBits(bits);
        while (r >= (uint)n) r = GetRandBits(bits);
        return (int)r;
    }

    /// <summary>As <c>random.shuffle(items)</c> (Python 3.2+): for i from the end down to 1, swap i with randbelow(i + 1).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = RandBelow(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
