using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Wallet;

/// <summary>
/// The node's wallet: independent random keys (no HD derivation, so back up after making addresses), each paying
/// to a P2PKH address. It holds no coin database: balances and payments are computed from the UTXO set and
/// mempool facts the caller passes in, so it can never disagree with the chainstate.
/// Named NodeWallet, not Wallet, because a type named like its namespace (TensorCash.Node.Wallet) cannot be
/// referred to by its simple name from the rest of TensorCash.Node.
/// Thread safe: one lock serializes every member. While open, the wallet holds an exclusive lock on
/// "&lt;file&gt;.lock", so two processes can never append keys to the same file and lose one another's.
/// </summary>
public sealed class NodeWallet : IDisposable
{
    public const string LockSuffix = ".lock";

    private readonly object _gate = new();
    private readonly FileStream _lock;
    private readonly List<OwnedKey> _keys = [];
    private readonly Dictionary<string, OwnedKey> _byKeyHash = new(StringComparer.Ordinal);

    private NodeWallet(string path, ChainParams parameters, FileStream fileLock, IEnumerable<WalletKey> keys)
    {
        FilePath = path;
        Parameters = parameters;
        _lock = fileLock;
        foreach (var key in keys) Remember(key);
    }

    public string FilePath { get; }
    public ChainParams Parameters { get; }

    /// <summary>Creates a new, empty wallet file (mode 0600); fails if one exists at <paramref name="path"/>.</summary>
    public static NodeWallet Create(string path, ChainParams parameters)
    {
        WalletFile.Create(path, new WalletFileContents(parameters.Network, []));
        return Open(path, parameters);
    }

    /// <summary>Opens an existing wallet file; see <see cref="WalletFile.Load"/> for what it refuses.</summary>
    public static NodeWallet Open(string path, ChainParams parameters)
    {
        // Checked before locking so that a mistyped name does not leave a lock file behind.
        if (!File.Exists(path)) throw new WalletException(WalletError.File, $"no wallet file at {path}");
        var fileLock = AcquireLock(path);
        try
        {
            return new NodeWallet(path, parameters, fileLock, WalletFile.Load(path, parameters.Network).Keys);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>Receiving addresses in creation order (change addresses are left out, as in Core).</summary>
    public IReadOnlyList<string> Addresses
    {
        get { lock (_gate) return _keys.Where(k => !k.Stored.IsChange).Select(k => k.Address).ToArray(); }
    }

    /// <summary>The P2PKH scripts of every key, change included: the outputs this wallet owns.</summary>
    public IReadOnlyList<byte[]> WatchedScripts
    {
        get { lock (_gate) return _keys.Select(k => k.ScriptPubKey.ToArray()).ToArray(); }
    }

    /// <summary>A fresh key's address. The key is on disk (fsynced) before the address is returned.</summary>
    public string GetNewAddress(string label = "")
    {
        lock (_gate) return AddKey(Secp256k1Keys.GeneratePrivateKey(), label, isChange: false).Address;
    }

    public bool IsMine(ReadOnlySpan<byte> scriptPubKey)
    {
        lock (_gate) return Find(scriptPubKey) is not null;
    }

    /// <summary>
    /// Splits the wallet's coins in <paramref name="utxos"/> (the confirmed UTXO set, at <paramref name="tipHeight"/>)
    /// and in <paramref name="unconfirmedOutputs"/> (outputs of mempool transactions) into spendable, immature and
    /// unconfirmed. Coins in <paramref name="spentByMempool"/> are in none of them: their value comes back as the
    /// unconfirmed change of the transaction that spends them.
    /// </summary>
    public WalletBalance GetBalance(
        IEnumerable<KeyValuePair<OutPoint, Coin>> utxos, int tipHeight,
        IEnumerable<KeyValuePair<OutPoint, TxOut>> unconfirmedOutputs, IReadOnlySet<OutPoint> spentByMempool)
    {
        lock (_gate)
        {
            long spendable = 0, immature = 0, unconfirmed = 0;
            foreach (var (outPoint, coin) in utxos)
            {
                if (Find(coin.Output.ScriptPubKey) is null) continue;
                if (!IsMature(coin, tipHeight)) immature = checked(immature + coin.Output.Value);
                else if (!spentByMempool.Contains(outPoint)) spendable = checked(spendable + coin.Output.Value);
            }
            foreach (var (outPoint, output) in unconfirmedOutputs)
                if (Find(output.ScriptPubKey) is not null && !spentByMempool.Contains(outPoint))
                    unconfirmed = checked(unconfirmed + output.Value);
            return new WalletBalance(spendable, immature, unconfirmed);
        }
    }

    /// <summary>
    /// The wallet's coins a transaction in the next block may spend: confirmed, mature at height
    /// <paramref name="tipHeight"/> + 1, and not spent by a mempool transaction. Oldest first.
    /// </summary>
    public IReadOnlyList<WalletCoin> ListUnspent(IEnumerable<KeyValuePair<OutPoint, Coin>> utxos, int tipHeight, IReadOnlySet<OutPoint> spentByMempool)
    {
        lock (_gate)
        {
            var coins = new List<WalletCoin>();
            foreach (var (outPoint, coin) in utxos)
                if (Find(coin.Output.ScriptPubKey) is { } key && IsMature(coin, tipHeight) && !spentByMempool.Contains(outPoint))
                    coins.Add(new WalletCoin(outPoint, coin, key.Address, key.Stored.Label, tipHeight - coin.Height + 1));
            return coins.OrderBy(c => c.Coin.Height).ThenBy(c => c.OutPoint.Txid.ToString(), StringComparer.Ordinal)
                .ThenBy(c => c.OutPoint.Index).ToArray();
        }
    }

    /// <summary>
    /// A signed payment of <paramref name="amount"/> base units to <paramref name="destinationAddress"/> at
    /// <paramref name="feeRate"/> base units per 1000 bytes, spending coins from <see cref="ListUnspent"/>. Change
    /// goes to a fresh key, saved before this returns. Nothing is broadcast or marked spent: the caller submits the
    /// transaction to the mempool, after which its inputs are in <paramref name="spentByMempool"/>.
    /// </summary>
    public CreatedTransaction CreateTransaction(
        string destinationAddress, long amount, long feeRate,
        IEnumerable<KeyValuePair<OutPoint, Coin>> utxos, int tipHeight, IReadOnlySet<OutPoint> spentByMempool)
    {
        if (!Address.TryDecode(destinationAddress, Parameters.Bech32Hrp, out var hash160, out var error))
            throw new WalletException(WalletError.InvalidAddress, $"invalid destination address: {error}");
        return CreateTransaction(ScriptTemplates.PayToPubKeyHash(hash160), amount, feeRate, utxos, tipHeight, spentByMempool);
    }

    /// <summary>
    /// As the address overload, paying any spendable output script, optionally followed by zero-value OP_RETURN
    /// <paramref name="dataOutputs"/> (then the destination is output 0: see <see cref="WalletTransactionBuilder.Request"/>).
    /// </summary>
    public CreatedTransaction CreateTransaction(
        byte[] destinationScript, long amount, long feeRate,
        IEnumerable<KeyValuePair<OutPoint, Coin>> utxos, int tipHeight, IReadOnlySet<OutPoint> spentByMempool,
        IReadOnlyList<TxOut>? dataOutputs = null)
    {
        lock (_gate)
        {
            var spendable = ListUnspent(utxos, tipHeight, spentByMempool);
            var changeKey = Secp256k1Keys.GeneratePrivateKey();
            var changeScript = ScriptTemplates.PayToPubKeyHash(Hash160.Compute(Secp256k1Keys.GetPublicKey(changeKey)));
            var created = WalletTransactionBuilder.Build(
                new WalletTransactionBuilder.Request(destinationScript, amount, feeRate, dataOutputs), spendable,
                script => Find(script)!.Stored.PrivateKey, changeScript, Parameters, tipHeight);
            // The change key must be on disk before anyone can broadcast a transaction paying it.
            if (created.ChangeOutputIndex is not null) AddKey(changeKey, "", isChange: true);
            return created;
        }
    }

    /// <summary>Core's coinbase rule for a spend in the next block: height - coin height &gt;= maturity, at height tip + 1.</summary>
    public bool IsMature(Coin coin, int tipHeight) => !coin.IsCoinbase || (long)tipHeight + 1 - coin.Height >= Parameters.CoinbaseMaturity;

    public void Dispose() => _lock.Dispose();

    private OwnedKey AddKey(byte[] privateKey, string label, bool isChange)
    {
        var key = new WalletKey(_keys.Count, privateKey, label, isChange);
        WalletFile.Save(FilePath, new WalletFileContents(Parameters.Network, [.. _keys.Select(k => k.Stored), key]));
        return Remember(key);
    }

    private OwnedKey Remember(WalletKey key)
    {
        var keyHash = Hash160.Compute(Secp256k1Keys.GetPublicKey(key.PrivateKey));
        var owned = new OwnedKey(key, ScriptTemplates.PayToPubKeyHash(keyHash), Address.Encode(keyHash, Parameters.Bech32Hrp));
        _keys.Add(owned);
        _byKeyHash.Add(Convert.ToHexString(keyHash), owned);
        return owned;
    }

    /// <summary>The key a P2PKH script pays, if it is ours; any other script is not.</summary>
    private OwnedKey? Find(ReadOnlySpan<byte> scriptPubKey)
    {
        const int P2PkhLength = 25;
        bool isP2Pkh = scriptPubKey.Length == P2PkhLength &&
            scriptPubKey[0] == (byte)Opcode.OP_DUP && scriptPubKey[1] == (byte)Opcode.OP_HASH160 && scriptPubKey[2] == Hash160.Size &&
            scriptPubKey[23] == (byte)Opcode.OP_EQUALVERIFY && scriptPubKey[24] == (byte)Opcode.OP_CHECKSIG;
        return isP2Pkh ? _byKeyHash.GetValueOrDefault(Convert.ToHexString(scriptPubKey[3..23])) : null;
    }

    private static FileStream AcquireLock(string path)
    {
        string lockPath = path + LockSuffix;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = WalletFile.OwnerReadWrite;
            return new FileStream(lockPath, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WalletException(WalletError.File,
                $"wallet {path} is already open (by this or another process holding {lockPath}), or the lock cannot be taken: {e.Message}", e);
        }
    }

    private sealed record OwnedKey(WalletKey Stored, byte[] ScriptPubKey, string Address);
}
