using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Wallet;

/// <summary>
/// The node's wallet: BIP32/BIP39 HD keys (see <see cref="HdPath"/>) from a 24-word mnemonic, each paying to a P2PKH
/// address, so the mnemonic alone recovers every coin, change included (<see cref="Restore"/>). Wallets made before HD
/// keep their random keys (back those up with the file) and gain a seed for every new key when first opened.
/// It can be encrypted with a passphrase (<see cref="EncryptWallet"/>): the mnemonic and private keys are then only in
/// the file's AES-256-GCM blob, spending needs <see cref="Unlock"/>, and receiving addresses still come from the
/// account's extended public key, kept in clear. It holds no coin database: balances and payments are computed from the UTXO set and
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
    private WalletHd _hd;
    private WalletEncryption? _encryption;
    private NBitcoin.ExtPubKey _accountXpub;
    // Secrets: always present in an unencrypted wallet; in an encrypted one only while unlocked.
    private NBitcoin.ExtKey? _accountKey;
    private string? _mnemonic;
    private Dictionary<int, byte[]>? _unlockedLegacyKeys;
    private long _unlockedUntilMs;
    private Timer? _relockTimer;

    /// <summary>The restore gap limit: derivation stops after this many consecutive unused keys on a chain (BIP44's 20).</summary>
    public const int GapLimit = 20;
    /// <summary>bitcoind's cap on walletpassphrase's timeout (about 3 years).</summary>
    public const long MaxUnlockSeconds = 100_000_000;

    private NodeWallet(string path, ChainParams parameters, FileStream fileLock, WalletFileContents contents)
    {
        FilePath = path;
        Parameters = parameters;
        _lock = fileLock;
        _hd = contents.Hd!;
        _encryption = contents.Encryption;
        _accountXpub = new NBitcoin.ExtPubKey(_hd.AccountXpub);
        if (_hd.Mnemonic is not null) SetSeed(_hd.Mnemonic);
        foreach (var key in contents.Keys) Remember(key);
    }

    public string FilePath { get; }
    public ChainParams Parameters { get; }

    /// <summary>Creates a new, empty wallet file (mode 0600); fails if one exists at <paramref name="path"/>.</summary>
    public static NodeWallet Create(string path, ChainParams parameters)
    {
        WalletFile.Create(path, new WalletFileContents(parameters.Network, [], NewHd(NewMnemonic())));
        return Open(path, parameters);
    }

    /// <summary>
    /// Creates a wallet file at <paramref name="path"/> from <paramref name="mnemonic"/> and finds its keys in
    /// <paramref name="chainScripts"/> (the output scripts of the UTXO set, and of the mempool if wanted): see <see cref="ImportMnemonic"/>.
    /// </summary>
    public static NodeWallet Restore(string path, ChainParams parameters, string mnemonic, IEnumerable<byte[]> chainScripts)
    {
        string words = NormalizeMnemonic(mnemonic);
        WalletFile.Create(path, new WalletFileContents(parameters.Network, [], NewHd(words)));
        var wallet = Open(path, parameters);
        try
        {
            wallet.Rescan(chainScripts);
            return wallet;
        }
        catch
        {
            wallet.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing wallet file; see <see cref="WalletFile.Load"/> for what it refuses.</summary>
    public static NodeWallet Open(string path, ChainParams parameters)
    {
        // Checked before locking so that a mistyped name does not leave a lock file behind.
        if (!File.Exists(path)) throw new WalletException(WalletError.File, $"no wallet file at {path}");
        var fileLock = AcquireLock(path);
        try
        {
            var contents = WalletFile.Load(path, parameters.Network);
            if (contents.Hd is null)
            {
                // Migration of a version 1 (pre-HD) file: its random keys stay as they are, and it gains a new seed from
                // which every later key (receiving and change) is derived. Old backups still hold the old keys; the
                // mnemonic (dumpmnemonic) covers the new ones.
                contents = contents with { Hd = NewHd(NewMnemonic()) };
                WalletFile.Save(path, contents);
            }
            return new NodeWallet(path, parameters, fileLock, contents);
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
        lock (_gate) return AddHdKey(HdPath.ReceiveChain, label).Address;
    }

    public bool IsEncrypted
    {
        get { lock (_gate) return _encryption is not null; }
    }

    /// <summary>Encrypted and not unlocked (or the unlock timed out).</summary>
    public bool IsLocked
    {
        get { lock (_gate) return LockedNow(); }
    }

    /// <summary>Unix time (seconds) until which an encrypted wallet is unlocked; 0 when locked (getwalletinfo's unlocked_until).</summary>
    public long UnlockedUntil
    {
        get { lock (_gate) return _encryption is null || LockedNow() ? 0 : DateTimeOffset.UtcNow.ToUnixTimeSeconds() + (_unlockedUntilMs - Environment.TickCount64 + 999) / 1000; }
    }

    /// <summary>The BIP39 mnemonic (the backup of every HD key). Needs the passphrase when encrypted.</summary>
    public string DumpMnemonic()
    {
        lock (_gate)
        {
            RequireUnlocked();
            return _mnemonic!;
        }
    }

    /// <summary>
    /// Encrypts the wallet's secrets (mnemonic and private keys) with <paramref name="passphrase"/> and leaves it locked.
    /// The file is rewritten atomically without them in clear. Fails if it is already encrypted.
    /// </summary>
    public void EncryptWallet(string passphrase, int iterations = WalletCrypto.DefaultIterations)
    {
        if (string.IsNullOrEmpty(passphrase)) throw new WalletException(WalletError.WrongPassphrase, "passphrase cannot be empty");
        lock (_gate)
        {
            if (_encryption is not null)
                throw new WalletException(WalletError.WrongEncryptionState, "Error: running with an encrypted wallet, but encryptwallet was called.");
            var secrets = new System.Text.Json.Nodes.JsonObject { ["mnemonic"] = _mnemonic };
            var legacy = new System.Text.Json.Nodes.JsonObject();
            foreach (var key in _keys.Where(k => k.Stored.Path is null))
                legacy[key.Stored.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Convert.ToHexStringLower(key.Stored.PrivateKey!);
            secrets["legacyKeys"] = legacy;
            var plaintext = System.Text.Encoding.UTF8.GetBytes(secrets.ToJsonString());
            var encryption = WalletCrypto.Encrypt(plaintext, passphrase, iterations);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
            var strippedKeys = _keys.Select(k => k.Stored with { PrivateKey = null, PublicKey = k.PublicKey }).ToList();
            var hd = _hd with { Mnemonic = null };
            WalletFile.Save(FilePath, new WalletFileContents(Parameters.Network, strippedKeys, hd, encryption));
            _encryption = encryption;
            _hd = hd;
            for (int i = 0; i < _keys.Count; i++) _keys[i] = _keys[i] with { Stored = strippedKeys[i] };
            foreach (var owned in _keys) _byKeyHash[Convert.ToHexString(Hash160.Compute(owned.PublicKey))] = owned;
            LockSecrets();
        }
    }

    /// <summary>walletpassphrase: decrypts the secrets and keeps them in memory for <paramref name="timeoutSeconds"/>.</summary>
    public void Unlock(string passphrase, long timeoutSeconds)
    {
        lock (_gate)
        {
            if (_encryption is null)
                throw new WalletException(WalletError.WrongEncryptionState, "Error: running with an unencrypted wallet, but walletpassphrase was called.");
            var plaintext = WalletCrypto.Decrypt(_encryption, passphrase);
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(plaintext);
                SetSeed(document.RootElement.GetProperty("mnemonic").GetString()!);
                _unlockedLegacyKeys = document.RootElement.GetProperty("legacyKeys").EnumerateObject()
                    .ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => Convert.FromHexString(p.Value.GetString()!));
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
            }
            long ms = Math.Clamp(timeoutSeconds, 0, MaxUnlockSeconds) * 1000;
            _unlockedUntilMs = Environment.TickCount64 + ms;
            _relockTimer?.Dispose();
            // The timer wipes the secrets at the deadline even if nothing asks; every use also checks the deadline.
            _relockTimer = new Timer(_ => { lock (_gate) if (LockedNow()) LockSecrets(); }, null, Math.Min(ms, uint.MaxValue - 1), Timeout.Infinite);
        }
    }

    /// <summary>walletlock: forgets the decrypted secrets now.</summary>
    public void Lock()
    {
        lock (_gate)
        {
            if (_encryption is null)
                throw new WalletException(WalletError.WrongEncryptionState, "Error: running with an unencrypted wallet, but walletlock was called.");
            LockSecrets();
        }
    }

    /// <summary>
    /// Restore into this wallet: replaces its seed with <paramref name="mnemonic"/> and derives keys on both chains
    /// until <see cref="GapLimit"/> consecutive keys pay none of <paramref name="chainScripts"/>. Only for a wallet that
    /// has handed out no key and is not encrypted (a fresh node's), so nothing already given out is lost.
    /// Returns the number of keys found in use.
    /// </summary>
    public int ImportMnemonic(string mnemonic, IEnumerable<byte[]> chainScripts)
    {
        string words = NormalizeMnemonic(mnemonic);
        lock (_gate)
        {
            if (_keys.Count > 0 || _encryption is not null)
                throw new WalletException(WalletError.InvalidMnemonic,
                    "a mnemonic can only be restored into a new, unencrypted wallet that has no addresses yet; move this wallet file aside (it is a backup) and start with a fresh one");
            var hd = NewHd(words);
            WalletFile.Save(FilePath, new WalletFileContents(Parameters.Network, [], hd));
            _hd = hd;
            _accountXpub = new NBitcoin.ExtPubKey(hd.AccountXpub);
            SetSeed(words);
            return Rescan(chainScripts);
        }
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
            RequireUnlocked();
            var spendable = ListUnspent(utxos, tipHeight, spentByMempool);
            // The next change key of the internal chain; it is saved (and the index advanced) only if the payment has change.
            var changePublicKey = _accountXpub.Derive(HdPath.ChangeChain).Derive((uint)_hd.NextChange).PubKey.ToBytes();
            var changeScript = ScriptTemplates.PayToPubKeyHash(Hash160.Compute(changePublicKey));
            var created = WalletTransactionBuilder.Build(
                new WalletTransactionBuilder.Request(destinationScript, amount, feeRate, dataOutputs), spendable,
                script => PrivateKeyOf(Find(script)!), changeScript, Parameters, tipHeight);
            // The change key must be on disk before anyone can broadcast a transaction paying it.
            if (created.ChangeOutputIndex is not null) AddHdKey(HdPath.ChangeChain, "");
            return created;
        }
    }

    /// <summary>Core's coinbase rule for a spend in the next block: height - coin height &gt;= maturity, at height tip + 1.</summary>
    public bool IsMature(Coin coin, int tipHeight) => !coin.IsCoinbase || (long)tipHeight + 1 - coin.Height >= Parameters.CoinbaseMaturity;

    public void Dispose()
    {
        lock (_gate)
        {
            _relockTimer?.Dispose();
            _lock.Dispose();
        }
    }

    /// <summary>A new random 24-word English BIP39 mnemonic (256 bits of entropy).</summary>
    public static string NewMnemonic() => new NBitcoin.Mnemonic(NBitcoin.Wordlist.English, NBitcoin.WordCount.TwentyFour).ToString();

    // NBitcoin's Mnemonic and ExtKey do BIP39 and BIP32: a well-kept library that follows the specs to the letter
    // (test vectors included), which we would otherwise have to write and test ourselves. Signing does not go through
    // it: derived private keys are handed to our own secp256k1 path as 32 bytes.
    private static NBitcoin.ExtKey AccountKey(string mnemonic) =>
        new NBitcoin.Mnemonic(mnemonic, NBitcoin.Wordlist.English).DeriveExtKey().Derive(NBitcoin.KeyPath.Parse(HdPath.AccountPath));

    /// <summary>The HD part of a new wallet file for <paramref name="mnemonic"/>: account xpub, next indices 0.</summary>
    public static WalletHd NewHd(string mnemonic) => new(AccountKey(mnemonic).Neuter().ToBytes(), 0, 0, mnemonic);

    private static string NormalizeMnemonic(string mnemonic)
    {
        string words = string.Join(' ', mnemonic.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        try
        {
            var parsed = new NBitcoin.Mnemonic(words, NBitcoin.Wordlist.English);
            if (parsed.IsValidChecksum) return words;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException)
        {
        }
        throw new WalletException(WalletError.InvalidMnemonic, "the mnemonic is not a valid BIP39 English phrase (unknown word, wrong word count, or bad checksum)");
    }

    private void SetSeed(string mnemonic)
    {
        _mnemonic = mnemonic;
        _accountKey = AccountKey(mnemonic);
    }

    private bool LockedNow()
    {
        if (_encryption is null) return false;
        if (_accountKey is not null && Environment.TickCount64 >= _unlockedUntilMs) LockSecrets();
        return _accountKey is null;
    }

    private void LockSecrets()
    {
        _relockTimer?.Dispose();
        _relockTimer = null;
        _accountKey = null;
        _mnemonic = null;
        if (_unlockedLegacyKeys is not null)
            foreach (var secret in _unlockedLegacyKeys.Values) System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        _unlockedLegacyKeys = null;
        _unlockedUntilMs = 0;
    }

    private void RequireUnlocked()
    {
        if (LockedNow()) throw new WalletException(WalletError.Locked, "Error: Please enter the wallet passphrase with walletpassphrase first.");
    }

    private byte[] PrivateKeyOf(OwnedKey key)
    {
        if (key.Stored.PrivateKey is { } clear) return clear;
        if (key.Stored.Path is { } path)
        {
            var (chain, index) = HdPath.Parse(path);
            return _accountKey!.Derive((uint)chain).Derive((uint)index).PrivateKey.ToBytes();
        }
        return _unlockedLegacyKeys![key.Stored.Index];
    }

    /// <summary>The next key of <paramref name="chain"/>: from the private seed when it is here, else from the account xpub (locked).</summary>
    private OwnedKey AddHdKey(int chain, string label)
    {
        int index = chain == HdPath.ReceiveChain ? _hd.NextReceive : _hd.NextChange;
        var hd = chain == HdPath.ReceiveChain ? _hd with { NextReceive = index + 1 } : _hd with { NextChange = index + 1 };
        var key = DeriveKey(chain, index, label);
        WalletFile.Save(FilePath, new WalletFileContents(Parameters.Network, [.. _keys.Select(k => k.Stored), key], hd, _encryption));
        _hd = hd;
        return Remember(key);
    }

    private WalletKey DeriveKey(int chain, int index, string label)
    {
        var publicKey = _accountXpub.Derive((uint)chain).Derive((uint)index).PubKey.ToBytes();
        // An unencrypted wallet keeps each private key in the file too (as version 1 did); an encrypted one never does.
        byte[]? privateKey = _encryption is null ? _accountKey!.Derive((uint)chain).Derive((uint)index).PrivateKey.ToBytes() : null;
        return new WalletKey(_keys.Count, privateKey, label, chain == HdPath.ChangeChain, HdPath.For(chain, index), publicKey);
    }

    /// <summary>Derives both chains up to <see cref="GapLimit"/> keys past the last one <paramref name="chainScripts"/> pays, and saves them.</summary>
    private int Rescan(IEnumerable<byte[]> chainScripts)
    {
        lock (_gate)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var script in chainScripts)
                if (IsP2Pkh(script)) used.Add(Convert.ToHexString(script.AsSpan(3, Hash160.Size)));
            int found = 0;
            var hd = _hd;
            var keys = _keys.Select(k => k.Stored).ToList();
            foreach (int chain in new[] { HdPath.ReceiveChain, HdPath.ChangeChain })
            {
                var chainXpub = _accountXpub.Derive((uint)chain);
                int next = chain == HdPath.ReceiveChain ? hd.NextReceive : hd.NextChange;
                int lastUsed = next - 1;
                for (int i = next; i <= lastUsed + GapLimit; i++)
                    if (used.Contains(Convert.ToHexString(Hash160.Compute(chainXpub.Derive((uint)i).PubKey.ToBytes()))))
                    {
                        lastUsed = i;
                        found++;
                    }
                for (int i = next; i <= lastUsed; i++)
                {
                    var key = DeriveKey(chain, i, "") with { Index = keys.Count };
                    keys.Add(key);
                    Remember(key);
                }
                hd = chain == HdPath.ReceiveChain ? hd with { NextReceive = lastUsed + 1 } : hd with { NextChange = lastUsed + 1 };
            }
            WalletFile.Save(FilePath, new WalletFileContents(Parameters.Network, keys, hd, _encryption));
            _hd = hd;
            return found;
        }
    }

    private OwnedKey Remember(WalletKey key)
    {
        var publicKey = key.PublicKey ?? Secp256k1Keys.GetPublicKey(key.PrivateKey!);
        var keyHash = Hash160.Compute(publicKey);
        var owned = new OwnedKey(key, ScriptTemplates.PayToPubKeyHash(keyHash), Address.Encode(keyHash, Parameters.Bech32Hrp), publicKey);
        _keys.Add(owned);
        _byKeyHash.Add(Convert.ToHexString(keyHash), owned);
        return owned;
    }

    /// <summary>The key a P2PKH script pays, if it is ours; any other script is not.</summary>
    private OwnedKey? Find(ReadOnlySpan<byte> scriptPubKey)
    {
        return IsP2Pkh(scriptPubKey) ? _byKeyHash.GetValueOrDefault(Convert.ToHexString(scriptPubKey[3..23])) : null;
    }

    private static bool IsP2Pkh(ReadOnlySpan<byte> scriptPubKey)
    {
        const int P2PkhLength = 25;
        return scriptPubKey.Length == P2PkhLength &&
            scriptPubKey[0] == (byte)Opcode.OP_DUP && scriptPubKey[1] == (byte)Opcode.OP_HASH160 && scriptPubKey[2] == Hash160.Size &&
            scriptPubKey[23] == (byte)Opcode.OP_EQUALVERIFY && scriptPubKey[24] == (byte)Opcode.OP_CHECKSIG;
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

    private sealed record OwnedKey(WalletKey Stored, byte[] ScriptPubKey, string Address, byte[] PublicKey);
}
