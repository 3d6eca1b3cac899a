namespace TensorCash.Chain.Ledger;

/// <summary>
/// The coins a block spent, in block order of its non-coinbase inputs, so disconnecting it can restore them.
/// Stored next to the block; encoding in docs/protocol/chain.md (owned by the ledger work).
/// </summary>
public sealed record BlockUndo(IReadOnlyList<Coin> SpentCoins);
