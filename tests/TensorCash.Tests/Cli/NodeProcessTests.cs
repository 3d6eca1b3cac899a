using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Node.Rpc;
using TensorCash.Node.Storage;

namespace TensorCash.Tests.Cli;

/// <summary>
/// `tensorcash node` run as a separate process: its RPC answers RpcClient and `tensorcash cli`, a second node on its
/// datadir is refused, and `stop` or SIGTERM end it cleanly (exit 0, cookie and rpc.port deleted).
/// </summary>
[NonParallelizable]
public class NodeProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private string _dir = null!;

    [SetUp]
    public void CreateDatadir() => _dir = Directory.CreateTempSubdirectory("tc-nodeproc-").FullName;

    [TearDown]
    public void DeleteDatadir() => Directory.Delete(_dir, recursive: true);

    private CliRun Cli(params string[] arguments) => CliRun.Of(["cli", "--network", "regtest", "--datadir", _dir, .. arguments]);

    [Test]
    public async Task ANodeProcessServesRpcAndStopsOnTheStopCall()
    {
        using var node = NodeProcess.Start("--network", "regtest", "--datadir", _dir, "--rpcport", "0");
        int port = node.WaitForRpcPort(_dir, StartTimeout);

        using (var client = new RpcClient(port, RpcCookie.Read(_dir)))
        {
            Assert.That((int)(await client.CallAsync("getblockcount"))!, Is.EqualTo(0));
            string address = (string)(await client.CallAsync("getnewaddress"))!;
            var hashes = (await client.CallAsync("generatetoaddress", 2, address))!.AsArray();
            Assert.That(hashes, Has.Count.EqualTo(2));
        }

        var count = Cli("getblockcount");
        Assert.That((count.ExitCode, count.Stdout), Is.EqualTo((0, "2\n")));
        var info = Cli("getblockchaininfo");
        Assert.That(info.ExitCode, Is.EqualTo(0), info.Stderr);
        Assert.That((string)JsonNode.Parse(info.Stdout)!["chain"]!, Is.EqualTo("regtest"));
        var error = Cli("getblockhash", "99");
        Assert.That(error.ExitCode, Is.EqualTo(1));
        Assert.That(error.Stderr, Does.StartWith("error code: -8\nerror message:\n"));

        Assert.That(() => NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = _dir }),
            Throws.InstanceOf<NodeStorageException>().With.Message.Contains("locked by another process"), "one node per datadir");

        var stop = Cli("stop");
        Assert.That((stop.ExitCode, stop.Stdout), Is.EqualTo((0, "TensorCash node stopping\n")));
        Assert.That(node.WaitForExit(StopTimeout), Is.EqualTo(0), node.Stderr);
        Assert.That(File.Exists(RpcCookie.PathIn(_dir)), Is.False, "the cookie is deleted at shutdown");
        Assert.That(File.Exists(Path.Combine(_dir, NodeHost.RpcPortFileName)), Is.False);
        Assert.That(node.Lines, Has.Some.StartsWith("TensorCash node on regtest"));
        Assert.That(node.Lines, Has.Some.StartsWith("mined block 2 "));
        Assert.That(node.Lines[^1], Is.EqualTo("stopped"));

        var gone = Cli("getblockcount");
        Assert.That(gone.ExitCode, Is.EqualTo(1));
        Assert.That(gone.Stderr, Does.Contain("is a node running"));
    }

    [Test]
    public void SigtermStopsTheNodeCleanly()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("POSIX signals");
        using var node = NodeProcess.Start("--network", "regtest", "--datadir", _dir, "--rpcport", "0", "--mine", "--threads", "1");
        node.WaitForRpcPort(_dir, StartTimeout);
        node.WaitForLine("mined block 2 ", StartTimeout); // terminated while mining
        node.Terminate();
        Assert.That(node.WaitForExit(StopTimeout), Is.EqualTo(0), node.Stderr);
        Assert.That(File.Exists(RpcCookie.PathIn(_dir)), Is.False);
        Assert.That(node.Lines, Has.Some.StartsWith("mining on builtin:tiny"));
        Assert.That(node.Lines[^1], Is.EqualTo("stopped"));
        // The chainstate was closed with every block the node reported: it opens again in-process at the last one.
        int lastConnected = node.Lines.Where(l => l.StartsWith("block ")).Select(l => int.Parse(l.Split(' ')[1])).DefaultIfEmpty(0).Last();
        using var chain = new TensorCash.Node.Chainstate.ChainState(_dir, ChainParams.Regtest, (_, _, _) => null);
        Assert.That(chain.Tip.Height, Is.EqualTo(lastConnected));
    }
}
