namespace TensorCash.Chain.Transactions;

/// <summary>
/// Encodings of absolute lock times (nLockTime, CHECKLOCKTIMEVERIFY) and relative lock times (nSequence per
/// BIP68, CHECKSEQUENCEVERIFY per BIP112), as in Bitcoin.
/// </summary>
public static class LockTime
{
    /// <summary>nLockTime below this is a block height, at or above it a Unix time.</summary>
    public const uint Threshold = 500_000_000;

    /// <summary>BIP68: set in nSequence means the input has no relative lock time.</summary>
    public const uint SequenceDisableFlag = 1u << 31;
    /// <summary>BIP68: set means the relative lock is in units of 512 seconds, clear means blocks.</summary>
    public const uint SequenceTypeFlag = 1u << 22;
    /// <summary>BIP68: the low 16 bits hold the relative lock value.</summary>
    public const uint SequenceValueMask = 0x0000_FFFF;
    /// <summary>BIP68: time-based values count units of 2^9 = 512 seconds.</summary>
    public const int SequenceGranularity = 9;
    /// <summary>BIP68 relative lock times apply only to transactions whose version, read as unsigned, is at least this.</summary>
    public const uint MinSequenceLockVersion = 2;
}
