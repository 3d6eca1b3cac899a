namespace TensorCash.ChainBench;

/// <summary>One phase's duration for every block, in milliseconds, with the summaries the report prints.</summary>
public sealed class PhaseTimings
{
    private readonly List<double> _milliseconds = [];

    public double TotalMilliseconds { get; private set; }
    /// <summary>The most recent block's duration (derived phases are built from it).</summary>
    public double Last => _milliseconds[^1];

    public void Add(TimeSpan elapsed)
    {
        _milliseconds.Add(elapsed.TotalMilliseconds);
        TotalMilliseconds += elapsed.TotalMilliseconds;
    }

    public double Median() => Median(_milliseconds);

    /// <summary>Median over the blocks <paramref name="include"/> selects by index (e.g. only blocks that carry spends).</summary>
    public double Median(Func<int, bool> include) => Median(_milliseconds.Where((_, i) => include(i)).ToList());

    /// <summary>How many blocks per second this phase alone would validate.</summary>
    public double PerSecond(int items) => TotalMilliseconds > 0 ? items / (TotalMilliseconds / 1000) : double.PositiveInfinity;

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
