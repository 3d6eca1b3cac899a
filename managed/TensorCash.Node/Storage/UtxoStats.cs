namespace TensorCash.Node.Storage;

/// <summary>Size of the UTXO set: how many unspent outputs and their total value in base units.</summary>
public readonly record struct UtxoStats(long Count, long TotalAmount);
