using TensorCash.Chain.Consensus;

namespace TensorCash.Node.Wallet;

/// <summary>
/// What a wallet file holds: the network its keys are for, the keys in creation order, the HD seed part (null only in a
/// version 1 file read before migration), and the encrypted secrets (null while the wallet is not encrypted).
/// </summary>
public sealed record WalletFileContents(Network Network, IReadOnlyList<WalletKey> Keys, WalletHd? Hd = null, WalletEncryption? Encryption = null);
