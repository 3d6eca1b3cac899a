using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// A block's contents ready for mining: <see cref="Transactions"/> in block order (the coinbase first, then
/// <see cref="Entries"/>' transactions, parents before children), the fees they pay (all claimed by the coinbase), the
/// Merkle root the header must commit to, and the size and legacy sigops of header plus transactions.
/// </summary>
public sealed record BlockTemplate(
    int Height,
    Transaction Coinbase,
    IReadOnlyList<MempoolEntry> Entries,
    IReadOnlyList<Transaction> Transactions,
    long TotalFees,
    Hash256 MerkleRoot,
    int TransactionBytes,
    int SigOps);
