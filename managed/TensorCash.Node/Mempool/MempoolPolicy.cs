namespace TensorCash.Node.Mempool;

/// <summary>
/// The node's relay and mining policy limits: what this node keeps in its mempool and puts in its blocks. None of
/// this is consensus; another node may choose differently, and a valid block may contain transactions these limits
/// would refuse. Values follow Bitcoin Core's defaults where one exists (sizes are plain serialized bytes: there is
/// no witness data).
/// </summary>
public static class MempoolPolicy
{
    /// <summary>Core's minrelaytxfee: base units per 1000 bytes a transaction must pay to be relayed or kept.</summary>
    public const long MinRelayFeePerKilobyte = 1_000;
    /// <summary>
    /// Core's incrementalrelayfee: after an eviction, a newcomer must beat the evicted package's rate by this much, so
    /// re-announcing the evicted transactions cannot churn the pool (and bandwidth) for free.
    /// </summary>
    public const long IncrementalRelayFeePerKilobyte = 1_000;
    /// <summary>
    /// Core's dustrelayfee: an output is dust when its value is below the fee, at this rate, for its own bytes plus the
    /// <see cref="DustSpendingInputBytes"/> of the input that would spend it; such an output costs more to spend than it
    /// holds, so it would bloat the UTXO set forever.
    /// </summary>
    public const long DustRelayFeePerKilobyte = 3_000;
    /// <summary>Core's estimate of the input that will later spend an output (outpoint 36, script length 1, signature and key 107, nSequence 4).</summary>
    public const int DustSpendingInputBytes = 148;

    /// <summary>Core's MAX_STANDARD_TX_WEIGHT / 4: larger transactions are refused so no single one can monopolise relay or a block.</summary>
    public const int MaxStandardTransactionBytes = 100_000;
    /// <summary>
    /// Core's MIN_STANDARD_TX_NONWITNESS_SIZE: a 64-byte transaction can pose as an inner Merkle node (CVE-2017-12842),
    /// so anything under 65 bytes is refused.
    /// </summary>
    public const int MinStandardTransactionBytes = 65;
    /// <summary>Core's MAX_STANDARD_SCRIPTSIG_SIZE: enough for a 15-of-15 multisig redemption, and no more.</summary>
    public const int MaxStandardScriptSigBytes = 1_650;
    /// <summary>Transaction versions relayed: 1, and 2 (BIP68 relative lock times). Later versions are reserved for upgrades.</summary>
    public const int MinStandardVersion = 1;
    public const int MaxStandardVersion = 2;
    /// <summary>Core's MAX_STANDARD_TX_SIGOPS_COST / 4: a fifth of the 20,000 block limit, so several such transactions fit in one block.</summary>
    public const int MaxStandardTransactionSigOps = 4_000;

    /// <summary>
    /// Core's limitancestorcount / limitdescendantcount (each count includes the transaction itself). Bounding unconfirmed
    /// chains bounds the work of every package walk in the pool and in block assembly.
    /// </summary>
    public const int MaxAncestorCount = 25;
    public const int MaxDescendantCount = 25;

    /// <summary>
    /// How many recently rejected txids the pool remembers (Core's m_recent_rejects, a 120,000-entry rolling filter; an
    /// exact set here, oldest out first). A transaction re-sent after a rejection that depends only on itself and the tip
    /// is refused with the same reason without being validated again; the set is emptied at every tip change. Bounds
    /// memory to roughly this many reasons and messages (a few hundred bytes each, ~10 MB at most).
    /// </summary>
    public const int MaxRecentRejects = 20_000;

    /// <summary>Core's maxmempool default (300 MB), counted here as the serialized bytes of the pooled transactions.</summary>
    public const long DefaultMaxPoolBytes = 300_000_000;
}
