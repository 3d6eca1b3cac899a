namespace TensorCash.Chain.Transactions;

/// <summary>A transaction output: an amount in base units (1 coin = 10^8) and the locking script.</summary>
public sealed record TxOut(long Value, byte[] ScriptPubKey);
