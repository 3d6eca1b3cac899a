namespace TensorCash.Chain.Transactions;

/// <summary>
/// BIP68 relative lock times, always enforced for transactions of version 2 and up (compared as unsigned, as Core
/// does). An input's nSequence, unless its disable flag is set, says how many blocks (or 512-second units of
/// median-time-past) must pass after the block that created the spent coin.
/// </summary>
public static class SequenceLocks
{
    public const uint DisableFlag = 1u << 31;
    public const uint TypeFlag = 1u << 22;
    public const uint ValueMask = 0x0000_FFFF;
    /// <summary>Time-based locks count units of 2^9 = 512 seconds.</summary>
    public const int TimeGranularityShift = 9;
    public const uint MinimumVersion = 2;

    /// <summary>
    /// Whether <paramref name="tx"/> may be included in a block at <paramref name="height"/>, given the height each input's
    /// coin was created at. <paramref name="medianTimePastAtHeight"/>(h) is the median-time-past of the block at height h
    /// (the median of its and its ten predecessors' times); it is called only when an input has a time-based lock, and
    /// when it is null such an input cannot be shown to be final, so the transaction is not.
    /// </summary>
    public static bool AreSatisfied(Transaction tx, IReadOnlyList<int> coinHeights, int height, Func<int, long>? medianTimePastAtHeight)
    {
        if ((uint)tx.Version < MinimumVersion) return true;
        // Core's convention: the lock is the last height or time at which the transaction is still invalid.
        long minHeight = -1, minTime = -1;
        for (int i = 0; i < tx.Inputs.Count; i++)
        {
            uint sequence = tx.Inputs[i].Sequence;
            if ((sequence & DisableFlag) != 0) continue;
            long lockValue = sequence & ValueMask;
            if ((sequence & TypeFlag) != 0)
            {
                if (medianTimePastAtHeight is null) return false;
                // Time is measured from the median-time-past of the block before the coin's block.
                long coinTime = medianTimePastAtHeight(Math.Max(coinHeights[i] - 1, 0));
                minTime = Math.Max(minTime, coinTime + (lockValue << TimeGranularityShift) - 1);
            }
            else
            {
                minHeight = Math.Max(minHeight, coinHeights[i] + lockValue - 1);
            }
        }
        if (minHeight >= height) return false;
        if (minTime < 0) return true;
        return medianTimePastAtHeight is not null && minTime < medianTimePastAtHeight(height - 1);
    }
}
