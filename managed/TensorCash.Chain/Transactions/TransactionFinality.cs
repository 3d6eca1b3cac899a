namespace TensorCash.Chain.Transactions;

/// <summary>
/// Absolute lock time (Bitcoin's IsFinalTx): nLockTime below <see cref="LockTimeThreshold"/> is a block height,
/// otherwise a Unix time compared with the median-time-past of the previous block (BIP113, always on here).
/// </summary>
public static class TransactionFinality
{
    /// <summary>Lock times from this value up are timestamps (500,000,000 is 1985-11-05, far above any height).</summary>
    public const uint LockTimeThreshold = 500_000_000;

    /// <summary>
    /// Whether <paramref name="tx"/> may appear in a block at <paramref name="height"/> whose parent's median-time-past
    /// is <paramref name="medianTimePast"/>: lock time 0, a lock time strictly below the height or time, or every input's
    /// sequence final (which disables the lock time).
    /// </summary>
    public static bool IsFinal(Transaction tx, int height, long medianTimePast)
    {
        if (tx.LockTime == 0) return true;
        long cutoff = tx.LockTime < LockTimeThreshold ? height : medianTimePast;
        if (tx.LockTime < cutoff) return true;
        foreach (var input in tx.Inputs)
            if (input.Sequence != TxIn.SequenceFinal) return false;
        return true;
    }
}
