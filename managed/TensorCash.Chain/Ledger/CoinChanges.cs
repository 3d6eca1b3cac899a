using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>
/// What connecting or disconnecting a block does to the UTXO set, as a net difference: apply <see cref="Removed"/>
/// first (every entry exists before), then <see cref="Added"/> (no entry exists after the removals). An output both
/// created and spent inside one block appears in neither list.
/// </summary>
public sealed record CoinChanges(IReadOnlyList<KeyValuePair<OutPoint, Coin>> Added, IReadOnlyList<OutPoint> Removed);
