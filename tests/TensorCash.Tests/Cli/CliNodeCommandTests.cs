using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Cli.Commands;
using TensorCash.Node.Hosting;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Node.Mining;

namespace TensorCash.Tests.Cli;

/// <summary>`tensorcash cli` against an in-process node with its RPC server, and the usage errors of `node` and `cli`.</summary>
public class CliNodeCommandTests
{
    [TestCase(new[] { "cli" }, "METHOD")]
    [TestCase(new[] { "cli", "--network", "mainnet", "getblockcount" }, "'mainnet'")]
    [TestCase(new[] { "cli", "--rpcport", "70000", "getblockcount" }, "--rpcport must be between 0 and 65535")]
    [TestCase(new[] { "cli", "--rpcport", "x", "getblockcount" }, "'x'")]
    [TestCase(new[] { "node", "--network", "moon" }, "'moon'")]
    [TestCase(new[] { "node", "--network", "regtest", "--rpcport", "-1" }, "--rpcport must be between 0 and 65535")]
    [TestCase(new[] { "node", "--network", "regtest", "--mineaddress", "tcrt1nope" }, "--mineaddress: 'tcrt1nope' is not a valid address")]
    [TestCase(new[] { "node", "--network", "regtest", "--threads", "0" }, "--threads must be >= 1")]
    public void UsageErrorsExitWithTwo(string[] args, string expected)
    {
        var run = CliRun.Of(args);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.StderrLines, Has.Length.EqualTo(1));
        Assert.That(run.Stderr, Does.Contain(expected));
        Assert.That(run.Stdout, Is.Empty);
    }

    [TestCase("node", "--datadir", "--rpcport", "--mine", "--model", "--mineaddress", "--threads", "--network", "rpc.port", "--reindex", "--txindex")]
    [TestCase("cli", "METHOD", "ARGS", "--datadir", "--rpcport", "--network", "JSON", "error code")]
    public void HelpExplainsEveryOption(string command, params string[] mentions)
    {
        var run = CliRun.Of(command, "--help");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        foreach (var mention in mentions) Assert.That(run.Stdout, Does.Contain(mention));
    }

    [TestCase("12", "12")]
    [TestCase("-1.5", "-1.5")]
    [TestCase("true", "true")]
    [TestCase("[\"a\",1]", "[\"a\",1]")]
    [TestCase("{\"k\":null}", "{\"k\":null}")]
    [TestCase("\"quoted\"", "\"quoted\"")]
    [TestCase("tcrt1qabc", "\"tcrt1qabc\"")]
    [TestCase("00ff", "\"00ff\"")]
    [TestCase("", "\"\"")]
    public void ArgumentsThatParseAsJsonAreSentAsJson(string argument, string json) =>
        Assert.That(CliCommand.ToJson(argument)?.ToJsonString() ?? "null", Is.EqualTo(json));

    [Test]
    public void NullArgumentIsJsonNull() => Assert.That(CliCommand.ToJson("null"), Is.Null);

    [Test]
    public async Task ResultsPrintLikeBitcoinCli()
    {
        await using var node = Node.Hosting.TestNode.Open();
        await node.Host.StartRpcAsync(0);
        CliRun Cli(params string[] args) => CliRun.Of(["cli", "--network", "regtest", "--datadir", node.DataDirectory, .. args]);

        var count = Cli("getblockcount");
        Assert.That((count.ExitCode, count.Stdout, count.Stderr), Is.EqualTo((0, "0\n", "")), "a number, raw");
        var hash = Cli("getblockhash", "0");
        Assert.That(hash.Stdout, Is.EqualTo(ChainParams.Regtest.GenesisHash + "\n"), "a string, without quotes");
        var info = Cli("getblockchaininfo");
        Assert.That(info.Stdout, Does.StartWith("{\n  \"chain\": \"regtest\","), "an object, indented");
        Assert.That(info.Stdout, Does.Contain("\"difficulty\": 1.00000000,"), "exact number text is kept");
        var help = Cli("help", "getblock");
        Assert.That(help.Stdout, Does.StartWith("getblock \"blockhash\" ( verbosity )\n"), "help text is printed raw, quotes unescaped");

        var block = RegtestMining.Mine(node.Host.MiningModel, ChainParams.Regtest.Genesis.Header, 1).Block!;
        var submitted = Cli("submitblock", Convert.ToHexStringLower(block.Serialize()));
        Assert.That((submitted.ExitCode, submitted.Stdout), Is.EqualTo((0, "")), "null prints nothing");

        var address = Cli("getnewaddress", "12345");
        Assert.That(address.ExitCode, Is.EqualTo(0), "a label of digits arrives as a number and is taken as its text");
        var mined = Cli("generatetoaddress", "1", address.Stdout.Trim());
        Assert.That(JsonNode.Parse(mined.Stdout)!.AsArray(), Has.Count.EqualTo(1));

        var error = Cli("getblock", new string('0', 64));
        Assert.That(error.ExitCode, Is.EqualTo(1));
        Assert.That(error.Stderr, Is.EqualTo($"error code: -5\nerror message:\ngetblock: Block not found ({new string('0', 64)})\n"));
        Assert.That(error.Stdout, Is.Empty);
        Assert.That(Cli("nosuchmethod").Stderr, Does.StartWith("error code: -32601\n"));
    }

    [Test]
    public void NoNodeRunningIsOneClearLine()
    {
        string dir = Directory.CreateTempSubdirectory("tc-cli-").FullName;
        try
        {
            var noCookie = CliRun.Of("cli", "--datadir", dir, "getblockcount");
            Assert.That(noCookie.ExitCode, Is.EqualTo(1));
            Assert.That(noCookie.StderrLines, Has.Length.EqualTo(1));
            Assert.That(noCookie.Stderr, Does.Contain($"no RPC cookie at {RpcCookie.PathIn(dir)}: is a node running"));

            // A stale cookie and port file from a node that died: the port is closed.
            RpcCookie.Create(dir);
            int closedPort = ClosedPort();
            File.WriteAllText(Path.Combine(dir, NodeHost.RpcPortFileName), closedPort.ToString());
            var refused = CliRun.Of("cli", "--datadir", dir, "getblockcount");
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.StderrLines, Has.Length.EqualTo(1));
            Assert.That(refused.Stderr, Does.Contain($"cannot reach the node's RPC on 127.0.0.1:{closedPort}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Test]
    public void ASecondNodeOnTheDatadirIsRefusedWithTheLockError()
    {
        string dir = Directory.CreateTempSubdirectory("tc-cli-").FullName;
        try
        {
            var first = NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = dir, Threads = 1 });
            try
            {
                var second = CliRun.Of("node", "--network", "regtest", "--datadir", dir, "--rpcport", "0");
                Assert.That(second.ExitCode, Is.EqualTo(1));
                Assert.That(second.Stderr, Does.Contain("locked by another process"));
                Assert.That(second.StderrLines, Has.Length.EqualTo(1));
            }
            finally
            {
                first.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ATakenRpcPortIsOneClearLine()
    {
        string dir = Directory.CreateTempSubdirectory("tc-cli-").FullName;
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            var run = CliRun.Of("node", "--network", "regtest", "--datadir", dir, "--rpcport", port.ToString());
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.Contain($"cannot listen for RPC on 127.0.0.1:{port}"));
            Assert.That(File.Exists(RpcCookie.PathIn(dir)), Is.False, "no cookie is left for a server that never ran");
        }
        finally
        {
            listener.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test, Platform(Exclude = "Win"), System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AWalletOthersCanReadStopsTheNode()
    {
        string dir = Directory.CreateTempSubdirectory("tc-cli-").FullName;
        try
        {
            NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = dir, Threads = 1 }).DisposeAsync().AsTask().GetAwaiter().GetResult();
            File.SetUnixFileMode(TensorCash.Node.Wallet.WalletFile.PathIn(dir, NodeHost.DefaultWalletName),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var run = CliRun.Of("node", "--network", "regtest", "--datadir", dir, "--rpcport", "0");
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.Contain("chmod 600").And.Not.Contain("unexpected"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ANodeOnAnotherNetworksDatadirIsRefused()
    {
        string dir = Directory.CreateTempSubdirectory("tc-cli-").FullName;
        try
        {
            NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = dir, Threads = 1 }).DisposeAsync().AsTask().GetAwaiter().GetResult();
            var testnet = CliRun.Of("node", "--network", "testnet", "--datadir", dir, "--rpcport", "0");
            Assert.That(testnet.ExitCode, Is.EqualTo(1));
            Assert.That(testnet.Stderr, Does.Contain("holds the Regtest chain"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void AnEditedUtxoSetStopsTheNodeNamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("tc-cli-").FullName;
        try
        {
            var host = NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = dir, Threads = 1 });
            host.Generate(2, Node.Hosting.MaturedChain.OpTrue);
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            string file = Path.Combine(dir, TensorCash.Node.Storage.ChainDatabase.FileName);
            using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
            {
                raw.Open();
                using var command = raw.CreateCommand();
                command.CommandText = "UPDATE utxo SET value = value * 2";
                Assert.That(command.ExecuteNonQuery(), Is.GreaterThan(0));
            }
            var run = CliRun.Of("node", "--network", "regtest", "--datadir", dir, "--rpcport", "0");
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Stderr, Does.Contain(file).And.Contain("does not match its commitment").And.Contain("--reindex"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
