using NasPS.Analysis;
using Xunit;
using static NasPS.Analysis.OptimizationDirection;

namespace NasPS.Tests.Reporting;

public class ParetoFrontTests
{
    /// <summary>The definition, O(n²): i is on the front when no j is at least as good in both and better in one.</summary>
    private static List<int> BruteForce(double[] x, OptimizationDirection dx, double[] y, OptimizationDirection dy)
    {
        double sx = dx == Maximize ? 1 : -1, sy = dy == Maximize ? 1 : -1;
        var front = new List<int>();
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            bool dominated = false;
            for (int j = 0; j < x.Length && !dominated; j++)
            {
                if (j == i || !double.IsFinite(x[j]) || !double.IsFinite(y[j])) continue;
                bool atLeast = sx * x[j] >= sx * x[i] && sy * y[j] >= sy * y[i];
                bool better = sx * x[j] > sx * x[i] || sy * y[j] > sy * y[i];
                dominated = atLeast && better;
            }
            if (!dominated) front.Add(i);
        }
        return front;
    }

    [Fact]
    public void SmallCaseByHand()
    {
        // (params, accuracy): minimise params, maximise accuracy.
        double[] parameters = [1, 2, 3, 2, 4, 1.5];
        double[] accuracy = [80, 85, 90, 84, 90, 79];
        var s = ParetoFront.Select(parameters, Minimize, accuracy, Maximize);
        Assert.Equal([0, 1, 2], s.Front);      // 3 is beaten by 1, 4 by 2 (same accuracy, more params), 5 by 0
        Assert.Equal(0, s.NonFinite);
    }

    [Fact]
    public void DirectionsMatter()
    {
        double[] x = [1, 2, 3], y = [1, 2, 3];
        Assert.Equal([2], ParetoFront.Select(x, Maximize, y, Maximize).Front);
        Assert.Equal([0], ParetoFront.Select(x, Minimize, y, Minimize).Front);
        Assert.Equal([0, 1, 2], ParetoFront.Select(x, Minimize, y, Maximize).Front);
    }

    [Fact]
    public void DuplicatesOnTheFrontAreAllKeptAndTiesInOneObjectAreResolved()
    {
        double[] x = [1, 1, 1, 2, 2];
        double[] y = [5, 5, 4, 5, 6];
        // (1,5) twice: equal, neither dominates the other; (1,4) is beaten by (1,5); (2,5) is beaten by (1,5) under
        // minimise-x; (2,6) has the best y.
        Assert.Equal([0, 1, 4], ParetoFront.Select(x, Minimize, y, Maximize).Front);
    }

    [Fact]
    public void NonFiniteValuesTakeNoPartAndAreCounted()
    {
        double[] x = [1, double.NaN, 0.5, 2, 0.1];
        double[] y = [1, 9, double.NegativeInfinity, 3, double.PositiveInfinity];
        var s = ParetoFront.Select(x, Minimize, y, Maximize);
        Assert.Equal(3, s.NonFinite);
        Assert.Equal([0, 3], s.Front);
    }

    [Fact]
    public void AgreesWithTheDefinitionOnRandomSetsWithManyTies()
    {
        var random = new Random(7);
        foreach (var (dx, dy) in new[] { (Minimize, Maximize), (Maximize, Maximize), (Minimize, Minimize), (Maximize, Minimize) })
        for (int trial = 0; trial < 200; trial++)
        {
            int n = random.Next(0, 40);
            var x = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 8)).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => random.Next(0, 10) == 0 ? double.NaN : random.Next(0, 8)).ToArray();
            Assert.Equal(BruteForce(x, dx, y, dy), ParetoFront.Select(x, dx, y, dy).Front);
        }
    }

    [Fact]
    public void MismatchedLengthsAreRejected() =>
        Assert.Throws<ArgumentException>(() => ParetoFront.Select([1, 2], Minimize, [1], Maximize));
}
