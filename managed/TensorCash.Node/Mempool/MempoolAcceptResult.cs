using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Mempool;

/// <summary>
/// The outcome of offering a transaction to the pool: accepted with its fee, or rejected with a Core-style reason
/// ("txn-mempool-conflict", "min relay fee not met", a consensus reason such as "bad-txns-in-belowout", ...).
/// </summary>
public sealed record MempoolAcceptResult(Hash256 Txid, RuleViolation? Rejection, long Fee)
{
    public bool Accepted => Rejection is null;

    /// <summary>
    /// Rejected because an input is neither in the chain's UTXO set nor made by a pooled transaction. It may be an
    /// orphan whose parent has not arrived yet, so the network layer may hold it and retry, unlike other rejections.
    /// </summary>
    public bool MissingInputs => Rejection?.Reason == MempoolReasons.MissingInputs;
}
