using TensorCash.Chain.Ledger;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Wallet;

/// <summary>A confirmed coin the wallet can spend now (what listunspent shows), with the address and label of its key.</summary>
public sealed record WalletCoin(OutPoint OutPoint, Coin Coin, string Address, string Label, int Confirmations)
{
    public long Value => Coin.Output.Value;
}
