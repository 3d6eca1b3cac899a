using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.Rpc;
using TensorCash.Node.Wallet;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Wallet;

/// <summary>Issue 12 item 3: HD keys from a BIP39 mnemonic, restore with a gap limit, passphrase encryption, old files.</summary>
public class HdWalletTests
{
    private const long Coin = 100_000_000;
    private const int FastIterations = WalletCrypto.MinimumIterations;
    private static readonly string Outsider = Address.Encode(Enumerable.Repeat((byte)7, 20).ToArray(), ChainParams.Regtest.Bech32Hrp);
    private static readonly HashSet<OutPoint> NoneSpent = [];

    [Test]
    public void Keys_are_BIP44_derivations_of_the_24_word_mnemonic()
    {
        using var fixture = new WalletFixture();
        string mnemonic = fixture.Wallet.DumpMnemonic();
        Assert.That(mnemonic.Split(' '), Has.Length.EqualTo(24));
        string first = fixture.Wallet.GetNewAddress(), second = fixture.Wallet.GetNewAddress();
        var account = new NBitcoin.Mnemonic(mnemonic, NBitcoin.Wordlist.English).DeriveExtKey().Derive(NBitcoin.KeyPath.Parse("m/44'/21571'/0'"));
        string Expected(uint index) => Address.Encode(Hash160.Compute(account.Derive(0).Derive(index).PrivateKey.PubKey.ToBytes()), ChainParams.Regtest.Bech32Hrp);
        Assert.That(first, Is.EqualTo(Expected(0)));
        Assert.That(second, Is.EqualTo(Expected(1)));
        var stored = WalletFile.Load(fixture.WalletPath, Network.Regtest);
        Assert.That(stored.Keys.Select(k => k.Path), Is.EqualTo(new[] { "m/44'/21571'/0'/0/0", "m/44'/21571'/0'/0/1" }));
        Assert.That(stored.Hd!.NextReceive, Is.EqualTo(2));
        Assert.That(stored.Hd.Mnemonic, Is.EqualTo(mnemonic));
    }

    [Test]
    public void Restore_from_the_mnemonic_finds_every_coin_including_change_and_keys_past_a_gap()
    {
        using var fixture = new WalletFixture();
        var wallet = fixture.Wallet;
        fixture.Fund(3 * Coin);
        for (int i = 0; i < 14; i++) wallet.GetNewAddress(); // unused keys: a gap under the limit
        fixture.Fund(2 * Coin);
        // Pay an outsider with change, then "confirm" it: its inputs leave the UTXO set and its change enters it.
        var created = wallet.CreateTransaction(Outsider, 4 * Coin, 2000, fixture.Utxos, 10, NoneSpent);
        Assert.That(created.ChangeOutputIndex, Is.Not.Null);
        foreach (var input in created.Transaction.Inputs) fixture.Utxos.Remove(input.Prevout);
        for (int n = 0; n < created.Transaction.Outputs.Count; n++)
            fixture.Utxos.Add(new OutPoint(created.Transaction.Txid, (uint)n), new Coin(created.Transaction.Outputs[n], 11, false));
        var second = wallet.CreateTransaction(Outsider, Coin / 2, 2000, fixture.Utxos, 11, NoneSpent); // change of change
        foreach (var input in second.Transaction.Inputs) fixture.Utxos.Remove(input.Prevout);
        for (int n = 0; n < second.Transaction.Outputs.Count; n++)
            fixture.Utxos.Add(new OutPoint(second.Transaction.Txid, (uint)n), new Coin(second.Transaction.Outputs[n], 12, false));
        fixture.Fund(Coin, height: 12);
        var before = wallet.GetBalance(fixture.Utxos, 12, [], NoneSpent);
        Assert.That(before.Spendable, Is.GreaterThan(Coin));

        string restoredPath = WalletFile.PathIn(fixture.Directory, "restored");
        using var restored = NodeWallet.Restore(restoredPath, WalletFixture.Parameters, "  " + wallet.DumpMnemonic().ToUpperInvariant() + "\n",
            fixture.Utxos.Values.Select(c => c.Output.ScriptPubKey));
        Assert.That(restored.GetBalance(fixture.Utxos, 12, [], NoneSpent), Is.EqualTo(before));
        Assert.That(restored.ListUnspent(fixture.Utxos, 12, NoneSpent).Select(c => c.OutPoint),
            Is.EquivalentTo(wallet.ListUnspent(fixture.Utxos, 12, NoneSpent).Select(c => c.OutPoint)));
        // The restored wallet continues after the last used keys: it never hands out an address already paid.
        string next = restored.GetNewAddress();
        Assert.That(fixture.Utxos.Values.Any(c => c.Output.ScriptPubKey.AsSpan().SequenceEqual(WalletFixture.ScriptFor(next))), Is.False);
        var stored = WalletFile.Load(restoredPath, Network.Regtest).Hd!;
        Assert.That(stored.NextChange, Is.EqualTo(2));

        Assert.That(Assert.Throws<WalletException>(() => NodeWallet.Restore(WalletFile.PathIn(fixture.Directory, "bad"), WalletFixture.Parameters,
            "abandon abandon abandon", []))!.Error, Is.EqualTo(WalletError.InvalidMnemonic));
    }

    [Test]
    public async Task A_mnemonic_restored_over_the_same_chainstate_recovers_every_coin_including_change()
    {
        await using var node = MaturedChain.Open();
        string mnemonic = (string)node.Call("dumpmnemonic")!;
        node.Call("sendtoaddress", Outsider, "12.5");
        node.Call("sendtoaddress", Outsider, "30"); // spends the first payment's change or the second coinbase: either way, change again
        node.Host.Generate(1, MaturedChain.OpTrue);
        Assert.That(node.Call("getmempoolinfo")!["size"]!.GetValue<int>(), Is.EqualTo(0));
        var before = node.Host.Payments.GetBalance();
        Assert.That(before.Spendable, Is.GreaterThan(50 * Coin).And.LessThan(100 * Coin - 42 * Coin));

        // A fresh wallet from the mnemonic alone, over the same chainstate.
        var utxos = node.Host.Chain.GetUtxoSet();
        int tip = node.Host.Chain.Tip.Height;
        string path = WalletFile.PathIn(node.DataDirectory, "restored");
        using var restored = NodeWallet.Restore(path, ChainParams.Regtest, mnemonic, utxos.Select(u => u.Value.Output.ScriptPubKey));
        var after = restored.GetBalance(utxos, tip, [], NoneSpent);
        Assert.That(after.Spendable, Is.EqualTo(before.Spendable));
        Assert.That(after.Immature, Is.EqualTo(before.Immature));
        Assert.That(restored.ListUnspent(utxos, tip, NoneSpent), Has.Count.EqualTo(node.Host.Payments.ListUnspent().Count));
        Assert.That(restored.ListUnspent(utxos, tip, NoneSpent).Any(c => !c.Coin.IsCoinbase), "change is among the coins found");
    }

    [Test]
    public async Task Restoremnemonic_replaces_the_seed_of_a_new_wallet_only()
    {
        string mnemonic = NodeWallet.NewMnemonic();
        await using var node = TestNode.Open();
        var result = node.Call("restoremnemonic", mnemonic)!;
        Assert.That(result["keys_found"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That((string)node.Call("dumpmnemonic")!, Is.EqualTo(mnemonic));
        Assert.That(node.Fails("restoremnemonic", "not a mnemonic").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        node.Call("getnewaddress");
        Assert.That(node.Fails("restoremnemonic", mnemonic).Code, Is.EqualTo(RpcErrorCode.InvalidParameter), "only into a new wallet");
    }

    [Test]
    public async Task An_encrypted_wallet_spends_only_while_unlocked()
    {
        await using var node = MaturedChain.Open();
        string mnemonic = (string)node.Call("dumpmnemonic")!;
        string path = WalletFile.PathIn(node.DataDirectory, "default");
        var clearKeys = WalletFile.Load(path, Network.Regtest).Keys.Select(k => Convert.ToHexStringLower(k.PrivateKey!)).ToList();
        Assert.That(clearKeys, Is.Not.Empty);
        Assert.That(node.Fails("walletlock").Code, Is.EqualTo(RpcErrorCode.WalletWrongEncState));
        Assert.That(node.Fails("walletpassphrase", "x", 10).Code, Is.EqualTo(RpcErrorCode.WalletWrongEncState));

        Assert.That((string)node.Call("encryptwallet", "correct horse")!, Does.StartWith("wallet encrypted"));
        Assert.That(node.Fails("encryptwallet", "again").Code, Is.EqualTo(RpcErrorCode.WalletWrongEncState));
        string text = File.ReadAllText(path);
        Assert.That(text, Does.Not.Contain(mnemonic));
        Assert.That(text, Does.Not.Contain(mnemonic.Split(' ')[0] + " " + mnemonic.Split(' ')[1]));
        foreach (string key in clearKeys) Assert.That(text, Does.Not.Contain(key), "no private key in clear");
        Assert.That(text, Does.Contain("\"cipher\": \"aes-256-gcm\"").And.Contain("\"kdf\": \"pbkdf2-sha512\""));

        var locked = node.Fails("sendtoaddress", Outsider, 1);
        Assert.That(locked.Code, Is.EqualTo(RpcErrorCode.WalletUnlockNeeded));
        Assert.That(locked.Message, Does.Contain("Please enter the wallet passphrase with walletpassphrase first"));
        Assert.That(node.Fails("dumpmnemonic").Code, Is.EqualTo(RpcErrorCode.WalletUnlockNeeded));
        string address = (string)node.Call("getnewaddress")!;
        Assert.That(node.Host.Wallet.Addresses, Does.Contain(address), "receiving addresses still work while locked");
        Assert.That(node.Call("getbalance")!.ToJsonString(), Is.EqualTo("100.00000000"), "balances too");

        Assert.That(node.Fails("walletpassphrase", "wrong horse", 60).Code, Is.EqualTo(RpcErrorCode.WalletPassphraseIncorrect));
        Assert.That(node.Fails("sendtoaddress", Outsider, 1).Code, Is.EqualTo(RpcErrorCode.WalletUnlockNeeded));
        Assert.That(node.Fails("walletpassphrase", "correct horse", -1).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));

        node.Call("walletpassphrase", "correct horse", 600);
        Assert.That(node.Host.Wallet.UnlockedUntil, Is.GreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.That((string)node.Call("dumpmnemonic")!, Is.EqualTo(mnemonic));
        string txid = (string)node.Call("sendtoaddress", Outsider, 1)!;
        Assert.That(node.Host.Mempool.Pool.GetEntry(Hash256.Parse(txid)), Is.Not.Null);
        Assert.That(File.ReadAllText(path), Does.Not.Contain(mnemonic), "the change key was saved without secrets");

        node.Call("walletlock");
        Assert.That(node.Fails("sendtoaddress", Outsider, 1).Code, Is.EqualTo(RpcErrorCode.WalletUnlockNeeded));

        node.Call("walletpassphrase", "correct horse", 1);
        Thread.Sleep(1500);
        Assert.That(node.Host.Wallet.IsLocked, Is.True, "the timeout relocks it");
        Assert.That(node.Fails("sendtoaddress", Outsider, 1).Code, Is.EqualTo(RpcErrorCode.WalletUnlockNeeded));
    }

    [Test]
    public void An_encrypted_wallet_stays_encrypted_and_locked_after_reopening()
    {
        using var fixture = new WalletFixture();
        fixture.Fund(5 * Coin);
        fixture.Wallet.EncryptWallet("pw", FastIterations);
        var wallet = fixture.Reopen();
        Assert.That(wallet.IsEncrypted && wallet.IsLocked);
        Assert.That(Assert.Throws<WalletException>(() => wallet.CreateTransaction(Outsider, Coin, 2000, fixture.Utxos, 10, NoneSpent))!.Error,
            Is.EqualTo(WalletError.Locked));
        Assert.That(Assert.Throws<WalletException>(() => wallet.Unlock("PW", 60))!.Error, Is.EqualTo(WalletError.WrongPassphrase));
        wallet.Unlock("pw", 60);
        Assert.That(wallet.CreateTransaction(Outsider, Coin, 2000, fixture.Utxos, 10, NoneSpent).Transaction.Inputs, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_version_1_wallet_file_opens_keeps_its_random_keys_and_gains_a_seed()
    {
        using var scratch = new WalletFixture();
        string path = WalletFile.PathIn(scratch.Directory, "old");
        var oldKey = Secp256k1Keys.GeneratePrivateKey();
        string oldAddress = Address.Encode(Hash160.Compute(Secp256k1Keys.GetPublicKey(oldKey)), ChainParams.Regtest.Bech32Hrp);
        File.WriteAllText(path, $$"""
            { "format": "tensorcash-wallet", "version": 1, "network": "regtest",
              "keys": [ { "index": 0, "privateKey": "{{Convert.ToHexStringLower(oldKey)}}", "label": "old", "change": false } ] }
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, WalletFile.OwnerReadWrite);

        using (var wallet = NodeWallet.Open(path, WalletFixture.Parameters))
        {
            Assert.That(wallet.Addresses, Is.EqualTo(new[] { oldAddress }));
            Assert.That(wallet.DumpMnemonic().Split(' '), Has.Length.EqualTo(24));
            Assert.That(wallet.GetNewAddress(), Is.Not.EqualTo(oldAddress));
        }
        var migrated = WalletFile.Load(path, Network.Regtest);
        Assert.That(migrated.Hd, Is.Not.Null);
        Assert.That(migrated.Keys[0].PrivateKey, Is.EqualTo(oldKey));
        Assert.That(migrated.Keys[0].Path, Is.Null);
        Assert.That(migrated.Keys[1].Path, Is.EqualTo("m/44'/21571'/0'/0/0"));

        // The legacy key is encrypted with the rest and still signs once unlocked.
        var utxos = new Dictionary<OutPoint, Coin> { [scratch.NextOutPoint()] = new Coin(new TxOut(3 * Coin, WalletFixture.ScriptFor(oldAddress)), 1, false) };
        using (var wallet = NodeWallet.Open(path, WalletFixture.Parameters))
        {
            wallet.EncryptWallet("pw", FastIterations);
            Assert.That(File.ReadAllText(path), Does.Not.Contain(Convert.ToHexStringLower(oldKey)));
            wallet.Unlock("pw", 60);
            Assert.That(wallet.CreateTransaction(Outsider, Coin, 2000, utxos, 10, NoneSpent).ChangeOutputIndex, Is.Not.Null);
        }
    }
}
