using System.Diagnostics;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Cli;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.P2p.MultiProcess;

/// <summary>
/// One `tensorcash node` child process on 127.0.0.1 for the multi-process network tests: its temporary datadir (empty
/// or a copy of a template), the P2P port it listens on (--port 0, read back from DATADIR/p2p.port) and an RPC client
/// on its cookie. Disposing kills the process and deletes the datadir.
/// </summary>
internal sealed class NetworkNode : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly NodeProcess _process;
    private readonly RpcClient _rpc;

    private NetworkNode(string name, string dataDirectory, NodeProcess process, int rpcPort, int p2pPort)
    {
        Name = name;
        DataDirectory = dataDirectory;
        _process = process;
        P2pPort = p2pPort;
        _rpc = new RpcClient(rpcPort, RpcCookie.Read(dataDirectory));
    }

    public string Name { get; }
    public string DataDirectory { get; }
    public int P2pPort { get; }

    /// <summary>HOST:PORT for --connect, --addnode and the addnode RPC.</summary>
    public string Endpoint => $"127.0.0.1:{P2pPort}";

    /// <summary>
    /// Starts a regtest node listening on a free port of 127.0.0.1, on a fresh datadir (a copy of <paramref name="copyOf"/>
    /// when given), with <paramref name="arguments"/> added (--connect, --addnode), and waits for its RPC and P2P ports.
    /// </summary>
    public static NetworkNode Start(string name, string? copyOf = null, params string[] arguments)
    {
        string dataDirectory = Directory.CreateTempSubdirectory($"tc-net-{name}-").FullName;
        if (copyOf is not null) TestNode.CopyDirectory(copyOf, dataDirectory);
        var process = NodeProcess.Start(["--network", "regtest", "--datadir", dataDirectory, "--rpcport", "0",
            "--listen", "--port", "0", "--bind", "127.0.0.1", .. arguments]);
        try
        {
            int rpcPort = process.WaitForRpcPort(dataDirectory, StartTimeout);
            string portFile = Path.Combine(dataDirectory, "p2p.port");
            var waited = Stopwatch.StartNew();
            int p2pPort;
            while (!(File.Exists(portFile) && int.TryParse(File.ReadAllText(portFile), out p2pPort) && p2pPort > 0))
            {
                if (waited.Elapsed > StartTimeout) Assert.Fail($"node {name} wrote no {portFile} within {StartTimeout}: {string.Join('\n', process.Lines)} {process.Stderr}");
                Thread.Sleep(20);
            }
            return new NetworkNode(name, dataDirectory, process, rpcPort, p2pPort);
        }
        catch
        {
            process.Dispose();
            TryDelete(dataDirectory);
            throw;
        }
    }

    /// <summary>The call's result (bounded by <see cref="CallTimeout"/>); an error reply becomes an <see cref="RpcException"/>.</summary>
    public JsonNode? Call(string method, params JsonNode?[] parameters)
    {
        try
        {
            return _rpc.CallAsync(method, parameters).WaitAsync(CallTimeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            Assert.Fail($"node {Name}: {method} did not answer within {CallTimeout}");
            throw;
        }
    }

    public string BestBlockHash() => (string)Call("getbestblockhash")!;
    public int BlockCount() => (int)Call("getblockcount")!;
    public int ConnectionCount() => (int)Call("getconnectioncount")!;
    public string ChainWork() => (string)Call("getblockchaininfo")!["chainwork"]!;
    public int MempoolSize() => (int)Call("getmempoolinfo")!["size"]!;

    /// <summary>
    /// Whether <paramref name="txid"/> is in the node's mempool. The node has no getrawmempool: getrawtransaction looks
    /// in the mempool first and adds a blockhash only for a transaction it found in a block.
    /// </summary>
    public bool InMempool(string txid)
    {
        try
        {
            return Call("getrawtransaction", txid, true) is JsonObject tx && !tx.ContainsKey("blockhash");
        }
        catch (RpcException)
        {
            return false; // not in the mempool nor in the recent blocks
        }
    }
    public IReadOnlyList<JsonObject> PeerInfo() => Call("getpeerinfo")!.AsArray().Select(p => p!.AsObject()).ToList();

    /// <summary>Mines <paramref name="count"/> blocks to a new address of the node's wallet; their hashes.</summary>
    public IReadOnlyList<string> Mine(int count)
    {
        string address = (string)Call("getnewaddress")!;
        return Call("generatetoaddress", count, address)!.AsArray().Select(h => (string)h!).ToList();
    }

    /// <summary>What the node printed so far, for failure messages.</summary>
    public string Output => $"===== node {Name} ({Endpoint}, {DataDirectory}) =====\n{string.Join('\n', _process.Lines)}\n{_process.Stderr}";

    public void Dispose()
    {
        _rpc.Dispose();
        _process.Dispose();
        TryDelete(DataDirectory);
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { } // the killed process may still be closing its files: a leftover temporary directory is harmless
        catch (UnauthorizedAccessException) { }
    }
}
