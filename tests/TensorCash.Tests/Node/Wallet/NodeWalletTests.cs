using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Node.Wallet;

namespace TensorCash.Tests.Node.Wallet;

public class NodeWalletTests
{
    private WalletFixture _fixture = null!;

    [SetUp]
    public void CreateWallet() => _fixture = new WalletFixture();

    [TearDown]
    public void DeleteWallet() => _fixture.Dispose();

    private NodeWallet Wallet => _fixture.Wallet;

    [Test]
    public void A_new_wallet_is_empty_and_its_file_exists()
    {
        Assert.That(Wallet.Addresses, Is.Empty);
        Assert.That(Wallet.WatchedScripts, Is.Empty);
        Assert.That(WalletFile.Load(_fixture.WalletPath, Network.Regtest).Keys, Is.Empty);
    }

    [Test]
    public void Addresses_decode_to_the_hash_of_a_wallet_key_on_this_network_only()
    {
        string address = Wallet.GetNewAddress("rent");
        var key = WalletFile.Load(_fixture.WalletPath, Network.Regtest).Keys.Single();
        Assert.That(key.Label, Is.EqualTo("rent"));

        Assert.That(address, Does.StartWith(ChainParams.Regtest.Bech32Hrp + "1"));
        Assert.That(Address.TryDecode(address, ChainParams.Regtest.Bech32Hrp, out var hash160, out var error), Is.True, error);
        Assert.That(hash160, Is.EqualTo(Hash160.Compute(Secp256k1Keys.GetPublicKey(key.PrivateKey))));
        Assert.That(Address.TryDecode(address, ChainParams.Main.Bech32Hrp, out _, out var mainError), Is.False);
        Assert.That(mainError, Does.Contain("another network"));
    }

    [Test]
    public void Every_new_address_is_a_new_key_saved_before_it_is_returned()
    {
        var addresses = Enumerable.Range(0, 5).Select(_ => Wallet.GetNewAddress()).ToList();
        Assert.That(addresses.Distinct().Count(), Is.EqualTo(5));
        Assert.That(Wallet.Addresses, Is.EqualTo(addresses));
        // Read straight from disk while the wallet is still open: nothing waits for a later flush.
        Assert.That(WalletFile.Load(_fixture.WalletPath, Network.Regtest).Keys.Select(k => k.Index), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void Keys_survive_reopening()
    {
        var addresses = Enumerable.Range(0, 3).Select(i => Wallet.GetNewAddress($"label {i}")).ToList();
        var scripts = Wallet.WatchedScripts;
        var reopened = _fixture.Reopen();
        Assert.That(reopened.Addresses, Is.EqualTo(addresses));
        Assert.That(reopened.WatchedScripts, Is.EqualTo(scripts));
        foreach (var address in addresses) Assert.That(reopened.IsMine(WalletFixture.ScriptFor(address)), Is.True);
        Assert.That(reopened.GetNewAddress(), Is.Not.AnyOf(addresses.ToArray()));
    }

    [Test]
    public void IsMine_accepts_only_P2PKH_scripts_of_wallet_keys()
    {
        var mine = WalletFixture.ScriptFor(Wallet.GetNewAddress());
        Assert.That(Wallet.IsMine(mine), Is.True);
        Assert.That(Wallet.IsMine(WalletFixture.ScriptFor(WalletFixture.ForeignAddress())), Is.False);
        Assert.That(Wallet.IsMine([]), Is.False);
        Assert.That(Wallet.IsMine(mine[..^1]), Is.False, "a truncated script is not P2PKH");
        var notChecksig = (byte[])mine.Clone();
        notChecksig[^1] = (byte)Opcode.OP_CHECKSIGVERIFY;
        Assert.That(Wallet.IsMine(notChecksig), Is.False);
        // The same key hash under another template (a timelock) is not a plain P2PKH output the wallet can sign for.
        Assert.That(Wallet.IsMine(ScriptTemplates.AbsoluteTimelock(10, mine[3..23])), Is.False);
    }

    [Test]
    public void Opening_a_wallet_that_is_already_open_fails_until_it_is_closed()
    {
        var e = Assert.Throws<WalletException>(() => NodeWallet.Open(_fixture.WalletPath, ChainParams.Regtest))!;
        Assert.That(e.Message, Does.Contain("already open"));
        Assert.That(_fixture.Reopen().Addresses, Is.Empty);
    }

    [Test]
    public void Opening_a_missing_wallet_fails_without_leaving_a_lock_file()
    {
        string missing = WalletFile.PathIn(_fixture.Directory, "missing");
        var e = Assert.Throws<WalletException>(() => NodeWallet.Open(missing, ChainParams.Regtest))!;
        Assert.That(e.Message, Does.Contain("no wallet file at"));
        Assert.That(File.Exists(missing + NodeWallet.LockSuffix), Is.False);
    }

    [Test]
    public void Opening_a_wallet_of_another_network_fails()
    {
        Wallet.GetNewAddress();
        Wallet.Dispose();
        var e = Assert.Throws<WalletException>(() => NodeWallet.Open(_fixture.WalletPath, ChainParams.Testnet))!;
        Assert.That(e.Error, Is.EqualTo(WalletError.NetworkMismatch));
        Assert.That(_fixture.Reopen().Addresses, Has.Count.EqualTo(1), "the failed open released its lock and changed nothing");
    }
}
