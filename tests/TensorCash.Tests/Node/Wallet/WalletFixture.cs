using System.Security.Cryptography;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Wallet;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node.Wallet;

/// <summary>A scratch directory with a regtest wallet in it, and a hand-made UTXO set to give it coins.</summary>
internal sealed class WalletFixture : IDisposable
{
    public static readonly ChainParams Parameters = ChainParams.Regtest;

    private readonly ScratchDirectory _scratch = new();
    private int _nextTxid;

    public WalletFixture()
    {
        WalletPath = WalletFile.PathIn(_scratch.Path, "test");
        Wallet = NodeWallet.Create(WalletPath, Parameters);
    }

    public string Directory => _scratch.Path;
    public string WalletPath { get; }
    public NodeWallet Wallet { get; private set; }
    public Dictionary<OutPoint, Coin> Utxos { get; } = new();

    public NodeWallet Reopen()
    {
        Wallet.Dispose();
        return Wallet = NodeWallet.Open(WalletPath, Parameters);
    }

    /// <summary>A fresh outpoint no other test coin uses.</summary>
    public OutPoint NextOutPoint() => new(new Hash256(SHA256.HashData(BitConverter.GetBytes(++_nextTxid))), 0);

    /// <summary>Adds a confirmed coin of <paramref name="value"/> at <paramref name="height"/> paying a new wallet address.</summary>
    public OutPoint Fund(long value, int height = 1, bool coinbase = false) => Add(value, ScriptFor(Wallet.GetNewAddress()), height, coinbase);

    public OutPoint Add(long value, byte[] scriptPubKey, int height = 1, bool coinbase = false)
    {
        var outPoint = NextOutPoint();
        Utxos.Add(outPoint, new Coin(new TxOut(value, scriptPubKey), height, coinbase));
        return outPoint;
    }

    public static byte[] ScriptFor(string address)
    {
        if (!Address.TryDecode(address, Parameters.Bech32Hrp, out var hash160, out var error)) throw new ArgumentException(error);
        return ScriptTemplates.PayToPubKeyHash(hash160);
    }

    /// <summary>A regtest address whose key nobody keeps.</summary>
    public static string ForeignAddress() =>
        Address.Encode(Hash160.Compute(Secp256k1Keys.GetPublicKey(Secp256k1Keys.GeneratePrivateKey())), Parameters.Bech32Hrp);

    public void Dispose()
    {
        Wallet.Dispose();
        _scratch.Dispose();
    }
}
