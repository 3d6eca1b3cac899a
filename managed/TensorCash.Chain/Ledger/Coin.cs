using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>An unspent output with what the rules need to spend it: the height it was created at and whether it is a coinbase output (maturity).</summary>
public sealed record Coin(TxOut Output, int Height, bool IsCoinbase);
