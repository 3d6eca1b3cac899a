using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Chainstate;

/// <summary>Where a submitted block ended up.</summary>
public enum BlockAcceptStatus
{
    /// <summary>Not stored: a duplicate, an unknown or invalid parent, or a header, block or proof rule failed.</summary>
    Rejected,
    /// <summary>Stored, then connecting it (or an ancestor it needed) failed: it is marked failed and never becomes active.</summary>
    Invalid,
    /// <summary>
    /// Not stored and not marked failed: the node does not hold the block's model, so it cannot replay the proof and
    /// neither accepts nor condemns the block (<see cref="ChainState.UnverifiedReason"/>).
    /// </summary>
    Unverified,
    /// <summary>Stored and valid so far, on a chain with no more work than the active one.</summary>
    SideChain,
    /// <summary>Stored and connected: the block is the tip of the active chain.</summary>
    ActiveChain,
}

/// <summary>The outcome of <see cref="ChainState.AcceptBlock"/>; <see cref="Violation"/> says why for Rejected, Unverified and Invalid.</summary>
public sealed record BlockAcceptResult(Hash256 Hash, BlockAcceptStatus Status, RuleViolation? Violation)
{
    public override string ToString() => Violation is null ? $"{Hash}: {Status}" : $"{Hash}: {Status} ({Violation})";
}

/// <summary>A block received whose proof this node could not replay (it lacks the model): kept in memory for RPC only.</summary>
public sealed record UnverifiedBlock(Hash256 Hash, BlockHeader Header, int Height, RuleViolation Reason);

/// <summary>One tip of the block tree: its height, how far it is from the active chain, and its status.</summary>
public sealed record ChainTipInfo(Hash256 Hash, int Height, int BranchLength, string Status);
