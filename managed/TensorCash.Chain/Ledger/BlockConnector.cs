using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;

namespace TensorCash.Chain.Ledger;

/// <summary>Outcome of connecting a block: either a violation, or the UTXO changes, the undo data and the fees collected.</summary>
public sealed record ConnectOutcome(RuleViolation? Violation, CoinChanges? Changes, BlockUndo? Undo, long Fees);

/// <summary>
/// Applies a block's transactions to a UTXO view (Bitcoin Core's ConnectBlock/DisconnectBlock), as pure functions:
/// the caller (the chainstate) writes the returned changes and undo data atomically.
/// </summary>
public static class BlockConnector
{
    /// <summary>Checks every input against <paramref name="coins"/> (existence, maturity, scripts, sums, fees, subsidy) and returns the changes.</summary>
    public static ConnectOutcome Connect(Block block, int height, ICoinView coins, ChainParams parameters) =>
        throw new NotImplementedException("owned by the ledger work");

    /// <summary>The changes that undo <paramref name="block"/>: remove its outputs, restore the coins it spent.</summary>
    public static CoinChanges Disconnect(Block block, BlockUndo undo) =>
        throw new NotImplementedException("owned by the ledger work");
}
