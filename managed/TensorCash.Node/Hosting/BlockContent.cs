using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Hosting;

/// <summary>A block's transactions in block order (the coinbase first) and the fee each non-coinbase transaction pays, in the same order.</summary>
public sealed record BlockContent(IReadOnlyList<Transaction> Transactions, IReadOnlyList<long> Fees)
{
    public Transaction Coinbase => Transactions[0];
}
