namespace TensorCash.Node.Wallet;

/// <summary>
/// One key as the wallet file stores it: its position in creation order, the 32-byte secp256k1 private key, an
/// optional label, and whether the wallet made it for change (change addresses are not listed as receiving
/// addresses). Everything else (public key, address, script) is derived from the private key on load.
/// </summary>
public sealed record WalletKey(int Index, byte[] PrivateKey, string Label, bool IsChange = false);
