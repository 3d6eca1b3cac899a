using TensorCash.Chain.Ledger;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Wallet;

/// <summary>
/// A coin the wallet can spend now, with the address and label of its key: confirmed (what listunspent shows), or, with
/// 0 confirmations, an output of the wallet's own unconfirmed transaction offered to a payment.
/// </summary>
public sealed record WalletCoin(OutPoint OutPoint, Coin Coin, string Address, string Label, int Confirmations)
{
    public long Value => Coin.Output.Value;
}
