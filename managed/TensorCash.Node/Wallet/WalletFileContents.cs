using TensorCash.Chain.Consensus;

namespace TensorCash.Node.Wallet;

/// <summary>What a wallet file holds: the network its keys are for, and the keys in creation order.</summary>
public sealed record WalletFileContents(Network Network, IReadOnlyList<WalletKey> Keys);
