namespace TensorCash.Node.Storage;

/// <summary>
/// How far a stored block has been validated (Bitcoin Core's nStatus). Persisted in block_index.status; the
/// numeric values are part of the schema.
/// </summary>
[Flags]
public enum BlockStatus
{
    None = 0,
    /// <summary>The header passed the header rules against its parent.</summary>
    HeaderValid = 1,
    /// <summary>The full block passed the context-free and contextual block rules and the proof check, and is stored.</summary>
    DataStored = 2,
    /// <summary>The block was connected to the UTXO set at least once (inputs, scripts, amounts all valid).</summary>
    ConnectedValid = 4,
    /// <summary>Connecting the block failed: it can never be on the active chain.</summary>
    Failed = 8,
    /// <summary>An ancestor failed: this block was never tried but can never be on the active chain either.</summary>
    FailedAncestor = 16,

    FailedMask = Failed | FailedAncestor,
}
