namespace TensorCash.Node.Wallet;

/// <summary>What went wrong, so the RPC layer can pick bitcoind's error code without parsing messages.</summary>
public enum WalletError
{
    /// <summary>The wallet file is missing, unreadable, corrupt, foreign, or already exists on create.</summary>
    File,
    /// <summary>The wallet file can be read by other users (it holds private keys).</summary>
    Permissions,
    /// <summary>The wallet file belongs to another network.</summary>
    NetworkMismatch,
    /// <summary>A destination address that does not decode for this network.</summary>
    InvalidAddress,
    /// <summary>An amount or fee rate outside what the wallet will send.</summary>
    InvalidAmount,
    /// <summary>The spendable coins do not cover the amount plus the fee.</summary>
    InsufficientFunds,
    /// <summary>The transaction would be too large to relay.</summary>
    TransactionTooLarge,
    /// <summary>The wallet is encrypted and locked: the operation needs its private keys (bitcoind's -13).</summary>
    Locked,
    /// <summary>The passphrase does not decrypt the wallet (bitcoind's -14).</summary>
    WrongPassphrase,
    /// <summary>Encrypting an encrypted wallet, or unlocking/locking one that is not encrypted (bitcoind's -15).</summary>
    WrongEncryptionState,
    /// <summary>A mnemonic that is not a valid BIP39 English phrase, or a restore into a wallet already in use.</summary>
    InvalidMnemonic,
}

/// <summary>A wallet failure the user can act on; the message is a complete sentence naming the file, amount or address.</summary>
public sealed class WalletException(WalletError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public WalletError Error { get; } = error;
}
