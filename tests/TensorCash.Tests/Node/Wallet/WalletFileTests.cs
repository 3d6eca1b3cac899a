using System.Runtime.Versioning;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Node.Wallet;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node.Wallet;

public class WalletFileTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private ScratchDirectory _scratch = null!;
    private string _path = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = new ScratchDirectory();
        _path = WalletFile.PathIn(_scratch.Path, "main");
    }

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private static WalletFileContents TwoKeys(Network network = Network.Regtest) => new(network,
    [
        new WalletKey(0, Secp256k1Keys.GeneratePrivateKey(), "savings"),
        new WalletKey(1, Secp256k1Keys.GeneratePrivateKey(), "", IsChange: true),
    ], NodeWallet.NewHd(NodeWallet.NewMnemonic()));

    private static WalletException LoadFails(string path, Network network = Network.Regtest) =>
        Assert.Throws<WalletException>(() => WalletFile.Load(path, network))!;

    [Test]
    public void PathIn_puts_wallets_in_their_own_directory_and_rejects_names_that_are_not_plain_file_names()
    {
        Assert.That(_path, Is.EqualTo(Path.Combine(_scratch.Path, "wallets", "main.json")));
        foreach (var bad in new[] { "", "../main", "a/b", ".hidden", "with space", new string('x', WalletFile.MaxNameLength + 1) })
        {
            var e = Assert.Throws<WalletException>(() => WalletFile.PathIn(_scratch.Path, bad))!;
            Assert.That(e.Message, Does.Contain("is not allowed"), bad);
        }
    }

    [Test]
    [Platform(Exclude = "Win"), UnsupportedOSPlatform("windows")]
    public void Create_makes_the_file_0600_and_its_directory_0700()
    {
        WalletFile.Create(_path, TwoKeys());
        Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(Mode0600));
        Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(_path)!), Is.EqualTo(Mode0600 | UnixFileMode.UserExecute));
        Assert.That(File.Exists(_path + ".tmp"), Is.False, "the temporary file is renamed, not left behind");
    }

    [Test]
    [Platform(Exclude = "Win"), UnsupportedOSPlatform("windows")]
    public void Save_replaces_the_file_with_a_new_0600_file_even_over_a_stale_temporary_file()
    {
        WalletFile.Create(_path, TwoKeys());
        File.WriteAllText(_path + ".tmp", "half a write from a crash");
        var contents = TwoKeys();
        WalletFile.Save(_path, contents);
        Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(Mode0600));
        Assert.That(File.Exists(_path + ".tmp"), Is.False);
        Assert.That(WalletFile.Load(_path, Network.Regtest).Keys.Select(k => k.PrivateKey), Is.EqualTo(contents.Keys.Select(k => k.PrivateKey)));
    }

    [Test]
    public void Keys_labels_and_change_flags_round_trip()
    {
        var contents = TwoKeys();
        WalletFile.Create(_path, contents);
        var loaded = WalletFile.Load(_path, Network.Regtest);
        Assert.That(loaded.Network, Is.EqualTo(Network.Regtest));
        Assert.That(loaded.Keys, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++)
        {
            Assert.That(loaded.Keys[i].Index, Is.EqualTo(i));
            Assert.That(loaded.Keys[i].PrivateKey, Is.EqualTo(contents.Keys[i].PrivateKey));
            Assert.That(loaded.Keys[i].Label, Is.EqualTo(contents.Keys[i].Label));
            Assert.That(loaded.Keys[i].IsChange, Is.EqualTo(contents.Keys[i].IsChange));
        }
        Assert.That(File.ReadAllText(_path), Does.Contain("\"format\": \"tensorcash-wallet\"").And.Contain("\"network\": \"regtest\""));
    }

    [Test]
    public void Create_refuses_to_overwrite_an_existing_file()
    {
        WalletFile.Create(_path, TwoKeys());
        var before = File.ReadAllBytes(_path);
        var e = Assert.Throws<WalletException>(() => WalletFile.Create(_path, TwoKeys()))!;
        Assert.That(e.Error, Is.EqualTo(WalletError.File));
        Assert.That(e.Message, Does.Contain("already exists").And.Contain(_path));
        Assert.That(File.ReadAllBytes(_path), Is.EqualTo(before));
    }

    [TestCase(UnixFileMode.GroupRead)]
    [TestCase(UnixFileMode.OtherRead)]
    [TestCase(UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [TestCase(UnixFileMode.GroupWrite)]
    [Platform(Exclude = "Win"), UnsupportedOSPlatform("windows")]
    public void Load_refuses_a_file_other_users_can_access_and_says_to_chmod_600(UnixFileMode extra)
    {
        WalletFile.Create(_path, TwoKeys());
        File.SetUnixFileMode(_path, Mode0600 | extra);
        var e = LoadFails(_path);
        Assert.That(e.Error, Is.EqualTo(WalletError.Permissions));
        Assert.That(e.Message, Does.Contain($"chmod 600 {_path}").And.Contain("0" + Convert.ToString((int)(Mode0600 | extra), 8)));
        Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(Mode0600 | extra), "the node reports; it does not change the file");

        File.SetUnixFileMode(_path, Mode0600);
        Assert.That(WalletFile.Load(_path, Network.Regtest).Keys, Has.Count.EqualTo(2));
    }

    [Test]
    [Platform(Exclude = "Win"), UnsupportedOSPlatform("windows")]
    public void Load_refuses_a_0644_file()
    {
        WalletFile.Create(_path, TwoKeys());
        File.SetUnixFileMode(_path, Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.That(LoadFails(_path).Message, Does.Contain("permissions 0644").And.Contain("chmod 600"));
    }

    [TestCase("", "is not a valid TensorCash wallet")]
    [TestCase("\u0000\u0001garbage", "is not a valid TensorCash wallet")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\", \"keys\": [", "is not a valid TensorCash wallet")]
    [TestCase("[1, 2, 3]", "the top level is not a JSON object")]
    [TestCase("{\"wallet_version\": 169900}", "\"format\" is not \"tensorcash-wallet\"")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 3, \"network\": \"regtest\", \"keys\": []}", "format version 3 is not supported")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 2, \"network\": \"regtest\", \"keys\": []}", "\"hd\" is missing")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"moon\", \"keys\": []}", "unknown network \"moon\"")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\"}", "\"keys\" is missing")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\", \"keys\": [{\"index\": 0, \"privateKey\": \"abc\"}]}", "key 0's private key is not 64 hex digits")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\", \"keys\": [{\"index\": 0, \"privateKey\": \"0000000000000000000000000000000000000000000000000000000000000000\"}]}", "key 0's private key is outside [1, n-1]")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\", \"keys\": [{\"index\": 1, \"privateKey\": \"0000000000000000000000000000000000000000000000000000000000000001\"}]}", "key 0 has index 1")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\", \"keys\": [{\"index\": 0, \"privateKey\": \"0000000000000000000000000000000000000000000000000000000000000001\"}, {\"index\": 1, \"privateKey\": \"0000000000000000000000000000000000000000000000000000000000000001\"}]}", "key 1 repeats an earlier key")]
    [TestCase("{\"format\": \"tensorcash-wallet\", \"version\": 1, \"network\": \"regtest\", \"keys\": [{\"index\": 0, \"privateKey\": \"0000000000000000000000000000000000000000000000000000000000000001\", \"change\": 1}]}", "key 0's \"change\" is not true or false")]
    public void Load_reports_a_corrupt_or_foreign_file_and_leaves_it_unchanged(string text, string expected)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_path, Mode0600);
        var before = File.ReadAllBytes(_path);

        var e = LoadFails(_path);
        Assert.That(e.Error, Is.EqualTo(WalletError.File));
        Assert.That(e.Message, Does.Contain(_path).And.Contain(expected).And.Contain("left unchanged"));
        Assert.That(File.ReadAllBytes(_path), Is.EqualTo(before));
    }

    [Test]
    public void Load_reports_a_missing_file()
    {
        var e = LoadFails(_path);
        Assert.That(e.Error, Is.EqualTo(WalletError.File));
        Assert.That(e.Message, Does.Contain("no wallet file at").And.Contain(_path));
    }

    [Test]
    public void Load_refuses_keys_of_another_network_naming_both()
    {
        WalletFile.Create(_path, TwoKeys(Network.Main));
        var e = LoadFails(_path, Network.Regtest);
        Assert.That(e.Error, Is.EqualTo(WalletError.NetworkMismatch));
        Assert.That(e.Message, Does.Contain("holds main keys").And.Contain("runs on regtest"));
    }
}
