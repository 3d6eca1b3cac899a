namespace TensorCash.Node.Wallet;

/// <summary>
/// One key as the wallet file stores it: its position in creation order, the 32-byte secp256k1 private key (null
/// when the wallet is encrypted: it is then inside <see cref="WalletEncryption"/> or re-derived from the seed), an
/// optional label, whether the wallet made it for change (change addresses are not listed as receiving addresses),
/// the BIP32 path of an HD key (null for the random keys of wallets made before HD), and the 33-byte compressed
/// public key (always present in version 2 files, so a locked wallet still recognizes its coins).
/// </summary>
public sealed record WalletKey(int Index, byte[]? PrivateKey, string Label, bool IsChange = false, string? Path = null, byte[]? PublicKey = null);

/// <summary>
/// The HD part of a wallet: the TensorCash BIP44 account's extended public key (74-byte BIP32 serialization without the version prefix; lets a
/// locked wallet derive receiving keys), the next unused index on the receiving (0) and change (1) chains, and the
/// BIP39 mnemonic (null when the wallet is encrypted).
/// </summary>
public sealed record WalletHd(byte[] AccountXpub, int NextReceive, int NextChange, string? Mnemonic);

/// <summary>
/// The encrypted secrets of an encrypted wallet: AES-256-GCM over a small JSON document (the mnemonic and the
/// private keys of non-HD keys), with a key from PBKDF2-HMAC-SHA512(passphrase, <see cref="Salt"/>, <see cref="Iterations"/>).
/// </summary>
public sealed record WalletEncryption(int Iterations, byte[] Salt, byte[] Nonce, byte[] Ciphertext, byte[] Tag);
