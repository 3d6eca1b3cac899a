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
    /// <summary>Stored and valid so far, on a chain with no more work than the active one.</summary>
    SideChain,
    /// <summary>Stored and connected: the block is the tip of the active chain.</summary>
    ActiveChain,
}

/// <summary>The outcome of <see cref="ChainState.AcceptBlock"/>; <see cref="Violation"/> says why for Rejected and Invalid.</summary>
public sealed record BlockAcceptResult(Hash256 Hash, BlockAcceptStatus Status, RuleViolation? Violation)
{
    public override string ToString() => Violation is null ? $"{Hash}: {Status}" : $"{Hash}: {Status} ({Violation})";
}
