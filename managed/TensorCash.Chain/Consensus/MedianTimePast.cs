namespace TensorCash.Chain.Consensus;

/// <summary>
/// Median-time-past (Bitcoin Core's GetMedianTimePast, BIP113): the median of the timestamps of a block and up to
/// 10 of its ancestors. Timestamps are miner-chosen and need not increase; the median of 11 moves forward
/// monotonically under the time-too-old rule, so it serves as the chain's clock for lock times and timestamp bounds.
/// </summary>
public static class MedianTimePast
{
    /// <summary>How many of the most recent blocks the median covers.</summary>
    public const int Span = 11;

    /// <summary>
    /// The MTP of the last block of <paramref name="timesOldestFirst"/>: the median of its last
    /// <see cref="Span"/> entries (all of them near genesis, where fewer exist). With an even count the upper middle
    /// element is taken, as in Core.
    /// </summary>
    public static long Compute(IReadOnlyList<long> timesOldestFirst)
    {
        if (timesOldestFirst.Count == 0) throw new ArgumentException("median-time-past needs at least one block time", nameof(timesOldestFirst));
        int count = timesOldestFirst.Count < Span ? timesOldestFirst.Count : Span;
        var window = new long[count];
        for (int i = 0; i < count; i++) window[i] = timesOldestFirst[timesOldestFirst.Count - count + i];
        Array.Sort(window);
        return window[count / 2];
    }
}
