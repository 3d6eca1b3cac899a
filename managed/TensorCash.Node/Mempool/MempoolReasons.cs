namespace TensorCash.Node.Mempool;

/// <summary>
/// The pool's own rejection reasons, spelled as Bitcoin Core spells them. Consensus reasons (from CheckTransaction,
/// the input checks and the script verifier) are passed through unchanged.
/// </summary>
public static class MempoolReasons
{
    public const string Coinbase = "coinbase";
    public const string Version = "version";
    public const string TooLarge = "tx-size";
    public const string TooSmall = "tx-size-small";
    public const string ScriptSigSize = "scriptsig-size";
    public const string Dust = "dust";
    /// <summary>An output script that is not a standard template (Core's "scriptpubkey").</summary>
    public const string ScriptPubKey = "scriptpubkey";
    /// <summary>An input spends a coin whose script is no standard template (Core's AreInputsStandard).</summary>
    public const string NonStandardInputs = "bad-txns-nonstandard-inputs";
    public const string NonFinal = "non-final";
    public const string AlreadyInPool = "txn-already-in-mempool";
    public const string Conflict = "txn-mempool-conflict";
    public const string AlreadyKnown = "txn-already-known";
    /// <summary>Core's reason for missing inputs; the same string as the block rule, which is where it comes from.</summary>
    public const string MissingInputs = "bad-txns-inputs-missingorspent";
    public const string NonBip68Final = "non-BIP68-final";
    public const string TooManySigOps = "bad-txns-too-many-sigops";
    public const string PoolMinimumFee = "mempool min fee not met";
    public const string MinimumRelayFee = "min relay fee not met";
    public const string ChainTooLong = "too-long-mempool-chain";
    public const string PoolFull = "mempool full";
    /// <summary>
    /// Not a verdict on the transaction: the chain tip moved while its scripts were checked, so the checks against the
    /// chain must be made again on the new tip (Hosting.NodeMempool does so itself). Core holds cs_main throughout and has no such reason.
    /// </summary>
    public const string TipChanged = "chain-tip-changed";
}
