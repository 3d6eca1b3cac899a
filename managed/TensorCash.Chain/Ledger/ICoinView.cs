using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>
/// Read access to a UTXO set. Implemented by the SQLite chainstate, by in-memory sets in tests, and by the mempool's
/// view (chain plus unconfirmed outputs).
/// </summary>
public interface ICoinView
{
    /// <summary>The unspent coin at <paramref name="outPoint"/>, or null if it does not exist or is spent.</summary>
    Coin? GetCoin(OutPoint outPoint);
}
