namespace TensorCash.Node.Wallet;

/// <summary>
/// The wallet's money in base units. <see cref="Spendable"/>: confirmed coins a transaction in the next block may
/// spend, less those unconfirmed transactions already spend. <see cref="Immature"/>: coinbase outputs that still
/// need confirmations. <see cref="Unconfirmed"/>: outputs of unconfirmed transactions paying the wallet (including
/// its own change), not yet spent by another unconfirmed transaction.
/// </summary>
public sealed record WalletBalance(long Spendable, long Immature, long Unconfirmed);
