using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>What connecting or disconnecting a block does to the UTXO set: outputs created and outputs removed.</summary>
public sealed record CoinChanges(IReadOnlyList<KeyValuePair<OutPoint, Coin>> Added, IReadOnlyList<OutPoint> Removed);
