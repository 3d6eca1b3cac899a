using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// One accepted transaction with what was learned validating it: its fee (inputs minus outputs), serialized size,
/// legacy sigop count, and its admission sequence number. Every transaction is admitted after the pooled transactions
/// it spends, so sequence order is a topological order of the pool.
/// </summary>
public sealed record MempoolEntry(Transaction Transaction, long Fee, int Size, int SigOps, long Sequence)
{
    public Hash256 Txid => Transaction.Txid;
    public FeeRate FeeRate => FeeRate.Of(Fee, Size);
}
