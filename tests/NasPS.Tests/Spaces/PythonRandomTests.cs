using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Spaces;

/// <summary>Vectors from CPython 3.11's <c>random</c> (spec §1.4 and tests/reference/python_random_vectors.py).</summary>
public class PythonRandomTests
{
    [Theory]
    [InlineData(88L, 1707201716u, 4182107318u, 813946014u)]
    [InlineData(0L, 3626764237u, 1654615998u, 3255389356u)]
    [InlineData(-5L, 2675342405u, 1097127993u, 3185950873u)]          // the absolute value is used
    [InlineData(1099511627783L, 2635837658u, 3209733218u, 3500038837u)] // two 32-bit key words
    [InlineData(long.MinValue, 2377109768u, 1691753470u, 4039908392u)]
    public void Seed_GivesPythonsFirstOutputs(long seed, uint first, uint second, uint third)
    {
        var random = new PythonRandom(seed);
        Assert.Equal([first, second, third], new[] { random.GetRandBits(32), random.GetRandBits(32), random.GetRandBits(32) });
    }

    [Fact]
    public void GetRandBits_KeepsTheTopBitsOfOneOutput()
    {
        var random = new PythonRandom(88);
        uint[] actual = [.. new[] { 1, 5, 17, 31, 32 }.Select(random.GetRandBits)];
        Assert.Equal([0u, 31u, 24839u, 714699869u, 3875947387u], actual);
    }

    [Fact]
    public void RandBelow_RejectsLikePython()
    {
        var random = new PythonRandom(12345);
        int[] actual = [.. new[] { 1, 2, 3, 7, 100, 1000, int.MaxValue }.Select(random.RandBelow)];
        Assert.Equal([0, 0, 1, 6, 47, 954, 415884586], actual);
    }

    [Fact]
    public void Shuffle_MatchesPython()
    {
        int[] items = [.. Enumerable.Range(0, 10)];
        new PythonRandom(2024).Shuffle(items.AsSpan());
        Assert.Equal([6, 0, 9, 8, 3, 5, 1, 4, 2, 7], items);
    }

    [Fact]
    public void Shuffle_OfTheNb201GenerationList_MatchesSpecVectors()
    {
        int[] items = [.. Enumerable.Range(0, 15625)];
        new PythonRandom(88).Shuffle(items.AsSpan());
        Assert.Equal([13931, 11791, 14874, 13126, 4032], items[..5]);
        Assert.Equal([5452, 3104, 6512], items[^3..]);
    }

    [Fact]
    public void BadArguments_AreRejected()
    {
        var random = new PythonRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.GetRandBits(33));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.RandBelow(0));
    }
}
