using NasPS.Spaces;

namespace NasPS.Search;

/// <summary>
/// The dataset a search targets and the caps an architecture must meet to be feasible: parameters and FLOPs
/// (multiply-accumulates) as the space counts them for that dataset. Null means no cap.
/// </summary>
public sealed record SearchConstraints
{
    public required Dataset Dataset { get; init; }
    public long? MaxParameters { get; init; }
    public long? MaxFlops { get; init; }

    public bool IsFeasible(ISearchSpace space, Genome genome) =>
        (MaxParameters is not { } maxParams || space.CountParameters(genome, Dataset) <= maxParams)
        && (MaxFlops is not { } maxFlops || space.CountFlops(genome, Dataset) <= maxFlops);

    private const int MaxConsecutiveInfeasibleDraws = 100_000;

    /// <summary>Draws with <paramref name="sample"/> until an architecture is feasible.</summary>
    /// <exception cref="InvalidOperationException">Nothing feasible in 100,000 draws in a row: the caps are too tight.</exception>
    internal Genome DrawFeasible(ISearchSpace space, Func<Genome> sample)
    {
        for (int miss = 0; miss < MaxConsecutiveInfeasibleDraws; miss++)
        {
            var genome = sample();
            if (IsFeasible(space, genome)) return genome;
        }
        throw new InvalidOperationException(
            $"No feasible architecture in {MaxConsecutiveInfeasibleDraws} random draws: the caps (parameters ≤ {MaxParameters?.ToString() ?? "any"}, FLOPs ≤ {MaxFlops?.ToString() ?? "any"}) are too tight for space '{space.Name}' on {Dataset.ShortName()}.");
    }

    internal void Validate()
    {
        if (MaxParameters is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxParameters), MaxParameters, "The parameter cap must be positive.");
        if (MaxFlops is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxFlops), MaxFlops, "The FLOPs cap must be positive.");
    }
}

/// <summary>What a search's time budget is charged with.</summary>
public enum BudgetAccounting
{
    /// <summary>The cost the scorer reports for every architecture visited (cached metric times, or measured proxy
    /// times). On cached metrics this is machine-independent; it is how FreeREA's results are reproduced (§4.1).</summary>
    ProxyCost,

    /// <summary>FreeREA's released rule: proxy cost of the history plus the wall time of the search itself. Meant
    /// for cached metrics; with measured proxies their time would be counted twice.</summary>
    ProxyCostPlusWallClock,

    /// <summary>Elapsed wall-clock time only (live proxies: it already includes their evaluation).</summary>
    WallClock,
}

internal static class Budget
{
    /// <summary>Minutes used under <paramref name="accounting"/>, given the proxy cost charged so far and the elapsed wall time.</summary>
    public static double UsedMinutes(BudgetAccounting accounting, double proxyCostSeconds, TimeSpan elapsed) => accounting switch
    {
        BudgetAccounting.ProxyCost => proxyCostSeconds / 60,
        BudgetAccounting.ProxyCostPlusWallClock => (proxyCostSeconds + elapsed.TotalSeconds) / 60,
        BudgetAccounting.WallClock => elapsed.TotalSeconds / 60,
        _ => throw new ArgumentOutOfRangeException(nameof(accounting), accounting, null),
    };

    /// <summary>A time budget is minutes ≥ 0; +∞ means none (a run bounded by its evaluation count instead).</summary>
    public static void ValidateMinutes(double minutes)
    {
        if (!(minutes >= 0)) throw new ArgumentOutOfRangeException("BudgetMinutes", minutes, "The budget is a number of minutes ≥ 0 (+∞ for no time budget).");
    }

    public static void ValidateMaxEvaluations(int? maxEvaluations)
    {
        if (maxEvaluations is < 1) throw new ArgumentOutOfRangeException("MaxEvaluations", maxEvaluations, "The evaluation budget must be at least 1 architecture.");
    }

    /// <summary>True once <paramref name="evaluated"/> distinct architectures reach the evaluation budget (null: none).</summary>
    public static bool EvaluationsSpent(int? maxEvaluations, int evaluated) => maxEvaluations is { } max && evaluated >= max;
}
