using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Wallet;

/// <summary>
/// A signed transaction ready to broadcast, the fee it pays (inputs minus outputs), and which output is change
/// (null when the leftover was too small to be worth an output and went to the fee).
/// </summary>
public sealed record CreatedTransaction(Transaction Transaction, long Fee, int? ChangeOutputIndex);
