namespace TensorCash.Node.Chainstate;

/// <summary>The outcome of <see cref="ChainState.VerifyChain"/>: valid, how many blocks were checked, and what failed (naming the file).</summary>
public sealed record VerifyChainResult(bool Valid, int BlocksChecked, string? Error);
