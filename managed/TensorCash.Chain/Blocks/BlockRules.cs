using TensorCash.Chain.Consensus;

namespace TensorCash.Chain.Blocks;

/// <summary>Block checks that need no UTXO set (Bitcoin Core's CheckBlock and ContextualCheckBlock).</summary>
public static class BlockRules
{
    /// <summary>Context-free: Merkle root and mutation, size, coinbase placement, per-transaction checks, sigops.</summary>
    public static RuleViolation? CheckBlock(Block block, ChainParams parameters) =>
        throw new NotImplementedException("owned by the ledger work");

    /// <summary>Needs the height and the parent's median-time-past: BIP34 coinbase height, transaction finality.</summary>
    public static RuleViolation? ContextualCheckBlock(Block block, int height, long medianTimePast, ChainParams parameters) =>
        throw new NotImplementedException("owned by the ledger work");
}
