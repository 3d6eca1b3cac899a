using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// The coins a newcomer may spend: the chain's UTXO set plus the outputs of pooled transactions. A pooled output is
/// presented as a non-coinbase coin at the next block's height, where it would be confirmed at the earliest, which is
/// what maturity and BIP68 need (a relative lock of one block or more on an unconfirmed parent is therefore never met).
/// Coins already spent by pooled transactions are not hidden: the pool rejects such a spend as a conflict first.
/// Unspendable pooled outputs (OP_RETURN) are presented too; spending one fails script verification instead.
/// </summary>
internal sealed class PoolCoinView(ICoinView chainCoins, IReadOnlyDictionary<Hash256, PoolEntry> entries, int nextHeight) : ICoinView
{
    public Coin? GetCoin(OutPoint outPoint)
    {
        if (chainCoins.GetCoin(outPoint) is { } confirmed) return confirmed;
        if (!entries.TryGetValue(outPoint.Txid, out var parent)) return null;
        var outputs = parent.Entry.Transaction.Outputs;
        return outPoint.Index < outputs.Count ? new Coin(outputs[(int)outPoint.Index], nextHeight, IsCoinbase: false) : null;
    }
}
