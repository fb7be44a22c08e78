using NasPS.Spaces;

namespace NasPS.Benchmarks;

/// <summary>What to do with a cached score that is not a finite number (±inf, NaN, or an empty cell).</summary>
public enum NonFiniteValues
{
    /// <summary>Return the values as stored.</summary>
    Keep,

    /// <summary>
    /// FreeREA's loader rule (<c>nas_spaces/utils.py</c>, <c>load_metrics</c>): ±inf become NaN and every NaN is
    /// filled with the column's smallest finite value, so a singular NASWOT kernel (−inf) ranks with the
    /// worst finite score instead of breaking the max-|x| normalisation.
    /// </summary>
    ReplaceWithColumnMinimum,
}

/// <summary>
/// Published proxy scores for every architecture of a benchmark (<c>nb201_cached_proxies.csv</c>) with the
/// per-architecture metric times their authors recorded (<c>nb201_freerea_metric_times.csv</c>). Columns are
/// read by name: scores as <c>{dataset}_{proxy}</c> (e.g. cifar10_freerea_naswot), times as
/// <c>{dataset}_{metric}_time_s</c> (e.g. cifar10_naswot_time_s). Both files must list the same indices.
/// </summary>
public sealed class CachedProxyTable
{
    private readonly IndexedCsvTable _proxies;
    private readonly IndexedCsvTable _times;
    private readonly Dictionary<string, double[]> _cleaned = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    private CachedProxyTable(IndexedCsvTable proxies, IndexedCsvTable times)
    {
        if (proxies.Count != times.Count)
            throw new InvalidDataException($"{proxies.Source} has {proxies.Count} rows but {times.Source} has {times.Count}; both must cover the same indices.");
        _proxies = proxies;
        _times = times;
    }

    public static CachedProxyTable Load(string proxiesPath, string timesPath) =>
        new(IndexedCsvTable.Load(proxiesPath), IndexedCsvTable.Load(timesPath));

    public int Count => _proxies.Count;

    public string ProxiesSource => _proxies.Source;
    public string TimesSource => _times.Source;

    public static string ScoreColumn(Dataset dataset, string proxy) => $"{dataset.ShortName()}_{proxy}";
    public static string TimeColumn(Dataset dataset, string metric) => $"{dataset.ShortName()}_{metric}_time_s";

    /// <summary>A score column in index order, non-finite values handled by <paramref name="nonFinite"/>.</summary>
    /// <exception cref="InvalidDataException">No such column, an unreadable cell, or (when replacing) a column with no finite value.</exception>
    public IReadOnlyList<double> Scores(string column, NonFiniteValues nonFinite)
    {
        var raw = _proxies.Numbers(column);
        if (nonFinite == NonFiniteValues.Keep) return raw;
        lock (_gate)
        {
            if (_cleaned.TryGetValue(column, out var cached)) return cached;
            double min = double.PositiveInfinity;
            foreach (double v in raw)
                if (double.IsFinite(v) && v < min) min = v;
            if (double.IsPositiveInfinity(min))
                throw new InvalidDataException($"{_proxies.Source}, column '{column}': no finite value, so non-finite values cannot be replaced by the column minimum.");
            var cleaned = raw.Select(v => double.IsFinite(v) ? v : min).ToArray();
            _cleaned[column] = cleaned;
            return cleaned;
        }
    }

    public IReadOnlyList<double> Scores(Dataset dataset, string proxy, NonFiniteValues nonFinite) =>
        Scores(ScoreColumn(dataset, proxy), nonFinite);

    /// <summary>Recorded seconds of a metric per architecture, in index order. Every cell must be a finite number ≥ 0.</summary>
    public IReadOnlyList<double> TimesSeconds(string column)
    {
        var times = _times.Numbers(column);
        for (int i = 0; i < times.Length; i++)
        {
            if (!(times[i] >= 0) || double.IsPositiveInfinity(times[i]))
                throw new InvalidDataException($"{_times.Source}, line {_times.LineOf(i)}, column '{column}': a metric time must be a finite number ≥ 0, found {times[i]}.");
        }
        return times;
    }

    public IReadOnlyList<double> TimesSeconds(Dataset dataset, string metric) => TimesSeconds(TimeColumn(dataset, metric));

    /// <summary>The architecture string the proxy file stores at <paramref name="index"/>.</summary>
    public string Architecture(int index)
    {
        _proxies.CheckIndex(index);
        return _proxies.Texts("arch")[index];
    }
}
