using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;
using TensorCash.Node.Mining;
using TensorCash.Node.P2p;
using TensorCash.Node.Rpc;
using TensorCash.Node.Serving;
using TensorCash.Node.Wallet;
using TensorCash.Serving;

namespace TensorCash.Node.Hosting;

/// <summary>
/// A running node's composition (bitcoind's init.cpp): the datadir's chainstate with the proof verifier as its proof
/// hook, the models it holds, the miner when asked, and the JSON-RPC method table. <see cref="Open"/> builds
/// everything but the HTTP server, so in-process users (tests, `tensorcash demo`) can drive it directly;
/// <see cref="StartRpcAsync"/> adds the server and its cookie. <see cref="DisposeAsync"/> shuts down in order: mining
/// stops, the OpenAI-compatible server (<see cref="StartServingAsync"/>) drains and stops, the RPC server drains and
/// stops, the cookie is deleted, the wallet, the chainstate and the models are closed.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    /// <summary>DATADIR/rpc.port: the port the RPC server is bound to, for clients of a node started with port 0.</summary>
    public const string RpcPortFileName = "rpc.port";
    /// <summary>DATADIR/serve.port: the port of the OpenAI-compatible server (`--serve`), for clients of a node started with port 0.</summary>
    public const string ServePortFileName = "serve.port";
    /// <summary>The wallet's file name under DATADIR/wallets.</summary>
    public const string DefaultWalletName = "default";
    /// <summary>The label of the wallet address a node creates for its own coinbases.</summary>
    public const string MiningLabel = "mining";

    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _generateLock = new();
    private readonly Lock _mineScriptLock = new();
    private RpcServer? _server;
    private Thread? _minerThread;
    private bool _disposed;
    private byte[]? _mineScript;
    private int _blocksMined;

    private NodeHost(ChainParams parameters, string dataDirectory, IReadOnlyList<InferenceModel> models, MiningModels miningModels,
        ModelSupport support, BlockProofVerifier verifier, ChainState chain, NodeWallet wallet, byte[]? mineScript)
    {
        Parameters = parameters;
        DataDirectory = dataDirectory;
        Models = models;
        MiningModels = miningModels;
        Support = support;
        Verifier = verifier;
        Chain = chain;
        Mempool = new NodeMempool(chain, parameters, new TransactionPool(parameters, signatures: chain.Signatures));
        Wallet = wallet;
        Payments = new WalletService(chain, Mempool, wallet);
        _mineScript = mineScript;
        Rpc = new RpcDispatcher();
        NodeRpcMethods.Register(Rpc, this);
    }

    public ChainParams Parameters { get; }
    public string DataDirectory { get; }
    /// <summary>The models this node holds: those asked for, then builtin:tiny unless it was one of them.</summary>
    public IReadOnlyList<InferenceModel> Models { get; }
    /// <summary>
    /// The models this node mines on, in turn (those asked for, else builtin:tiny): each block on the next one that is
    /// Active in the registry after the tip.
    /// </summary>
    public MiningModels MiningModels { get; }
    /// <summary>The first model this node mines on (<see cref="MiningModels"/> decides which one a block gets).</summary>
    public InferenceModel MiningModel => MiningModels.Models[0];
    /// <summary>Which pending models this node's blocks signal for (<see cref="NodeOptions.SupportModels"/>).</summary>
    public ModelSupport Support { get; }
    public BlockProofVerifier Verifier { get; }
    public ChainState Chain { get; }
    /// <summary>The mempool, kept in step with <see cref="Chain"/>.</summary>
    public NodeMempool Mempool { get; }
    /// <summary>The default wallet, DATADIR/wallets/default.json (created on first start).</summary>
    public NodeWallet Wallet { get; }

    /// <summary>The wallet's balances and payments against this node's chainstate and mempool.</summary>
    public WalletService Payments { get; }

    /// <summary>
    /// The script mined coinbases pay: --mineaddress, else the wallet's first receiving address (made on first use,
    /// so a node that never mines adds no key).
    /// </summary>
    public byte[] CoinbaseScript
    {
        get
        {
            lock (_mineScriptLock)
            {
                if (_mineScript is null)
                {
                    string address = Wallet.Addresses.Count > 0 ? Wallet.Addresses[0] : Wallet.GetNewAddress(MiningLabel);
                    PaymentAddress.TryGetScript(address, Parameters, out var script, out _);
                    _mineScript = script;
                }
                return _mineScript;
            }
        }
    }

    public RpcDispatcher Rpc { get; }
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The background miner, once <see cref="StartMining"/> ran (to submit jobs to it).</summary>
    public MiningService? Miner { get; private set; }
    /// <summary>Whether the background miner is running (it stops at shutdown, or after <see cref="MiningFailed"/>).</summary>
    public bool IsMining => _minerThread?.IsAlive == true;
    /// <summary>Set when a background miner hits an error it cannot go on from (the node keeps running without mining).</summary>
    public event Action<Exception>? MiningFailed;

    public string CookiePath => RpcCookie.PathIn(DataDirectory);

    /// <summary>Completes when the `stop` RPC (or <see cref="RequestStop"/>) asks the node to shut down.</summary>
    public Task StopRequested => _stopRequested.Task;

    /// <summary>The node's clock in Unix seconds (no peers yet, so adjusted time is local time).</summary>
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>
    /// Opens the datadir (created if absent) and composes the node. Fails with the chainstate's error when the datadir
    /// belongs to another network or another node holds it.
    /// </summary>
    /// <exception cref="Storage.NodeStorageException">The datadir cannot be used.</exception>
    /// <exception cref="ArgumentException">A bad --mineaddress.</exception>
    /// <exception cref="InvalidOperationException">A model the engine cannot load.</exception>
    /// <exception cref="WalletException">The default wallet cannot be opened (permissions, corrupt, another network, in use).</exception>
    public static NodeHost Open(NodeOptions options)
    {
        var parameters = ChainParams.For(options.Network);
        string dataDirectory = Path.GetFullPath(options.DataDirectory ?? NetworkNames.DefaultDataDirectory(options.Network));
        byte[]? mineScript = null;
        if (options.MineAddress is { } address && !PaymentAddress.TryGetScript(address, parameters, out mineScript, out string error))
            throw new ArgumentException($"--mineaddress: {error}");

        var (models, mining) = LoadModels(options);
        ChainState? chain = null;
        NodeWallet? wallet = null;
        try
        {
            var verifier = new BlockProofVerifier(parameters, options.VerifyWithoutModels ? [] : models, options.ReplayPositions);
            chain = new ChainState(dataDirectory, parameters, verifier.Verify, options.Reindex, options.Progress, options.TxIndex);
            string walletPath = WalletFile.PathIn(dataDirectory, DefaultWalletName);
            wallet = File.Exists(walletPath) ? NodeWallet.Open(walletPath, parameters) : NodeWallet.Create(walletPath, parameters);
            // A miner signals for a pending model only if it holds it AND the weight audit passes (registry.md §5): hollow
            // models that consensus cannot prove hollow are kept out by the hashpower that refuses to support them.
            bool HeldAndAudited(Chain.Primitives.Hash256 id) => models.FirstOrDefault(m => m.Id == id) is { } held && Registry.HeldModelAudits.For(held).Passed;
            var support = ModelSupport.From(options.SignalNone, options.SupportModels, HeldAndAudited);
            return new NodeHost(parameters, dataDirectory, models, new MiningModels(mining), support, verifier, chain, wallet, mineScript);
        }
        catch
        {
            wallet?.Dispose();
            chain?.Dispose();
            foreach (var model in models) model.Dispose();
            throw;
        }
    }

    /// <summary>The models held (asked for, then builtin:tiny) and those mined on (asked for, else builtin:tiny).</summary>
    private static (List<InferenceModel> Held, List<InferenceModel> Mining) LoadModels(NodeOptions options)
    {
        var models = new List<InferenceModel>();
        try
        {
            foreach (string spec in options.Models)
            {
                var model = InferenceModel.Load(spec, options.Threads);
                if (models.Any(m => m.Id == model.Id))
                {
                    model.Dispose(); // the same weights named twice
                    continue;
                }
                models.Add(model);
            }
            var mining = models.ToList();
            // builtin:tiny is embedded and tiny: holding it costs nothing and lets the node replay every block on it.
            // It gets the asked-for threads only when it is the one the node mines on.
            if (models.All(m => m.Id != ChainParams.BuiltinTinyModelId))
            {
                var tiny = InferenceModel.Load("builtin:tiny", models.Count == 0 ? options.Threads : 1);
                models.Add(tiny);
                if (mining.Count == 0) mining.Add(tiny);
            }
            return (models, mining);
        }
        catch
        {
            foreach (var model in models) model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The transactions of the block at <paramref name="height"/> on the current tip (whose median-time-past is
    /// <paramref name="parentMedianTimePast"/>): a coinbase paying <paramref name="coinbaseScript"/> the subsidy and
    /// the fees, with <paramref name="extraNonce"/> after its BIP34 height, then the block's transactions.
    /// </summary>
    public BlockContent BuildContent(int height, long parentMedianTimePast, byte[] coinbaseScript, ulong extraNonce) =>
        Mempool.BuildContent(height, parentMedianTimePast, coinbaseScript, extraNonce);

    /// <summary>The miner's view of <see cref="BuildContent"/>.</summary>
    public BlockContentBuilder ContentPaying(byte[] coinbaseScript) => (height, parentMedianTimePast, extraNonce) =>
        BuildContent(height, parentMedianTimePast, coinbaseScript, extraNonce).Transactions;

    /// <summary>Blocks this node mined since it started (background miner and generatetoaddress).</summary>
    public int BlocksMined => Volatile.Read(ref _blocksMined);

    /// <summary>Raised after a block this node mined joined the active chain.</summary>
    public event Action<MinedBlock>? BlockMined;

    private MiningService CreateMiningService(byte[] coinbaseScript)
    {
        // Both miners (background and generatetoaddress) take their customer prompts from the server, when serving.
        var service = new MiningService(Chain, Parameters, MiningModels, ContentPaying(coinbaseScript))
        {
            Support = Support,
            CustomerJobs = model => Serving?.NextMiningJob(model),
        };
        service.BlockMined += mined =>
        {
            Interlocked.Increment(ref _blocksMined);
            Serving?.OnBlockMined(mined);
            BlockMined?.Invoke(mined);
        };
        service.JobCompleted += job => Serving?.OnJobCompleted(job);
        return service;
    }

    /// <summary>The OpenAI-compatible server inside this node, once <see cref="StartServingAsync"/> ran.</summary>
    public NodeServing? Serving { get; private set; }

    /// <summary>
    /// Serves <see cref="MiningModel"/> over the OpenAI-compatible API (`--serve`) on a transformer of its own with
    /// <paramref name="threads"/> threads; its proof-bearing requests become the miner's customer prompts
    /// (<see cref="NodeServing"/>). Writes DATADIR/serve.port.
    /// </summary>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    /// <exception cref="ArgumentException">A host that is not an IP address.</exception>
    public async Task<NodeServing> StartServingAsync(Engine.Tokenization.ITokenizer tokenizer, Engine.ChatTemplates.ChatTemplate? template,
        ServingOptions options, int threads)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Serving is not null) throw new InvalidOperationException($"the node already serves on port {Serving.Server.Port}");
        var serving = await NodeServing.StartAsync(Chain, MiningModel, tokenizer, template, options, threads);
        Serving = serving;
        File.WriteAllText(Path.Combine(DataDirectory, ServePortFileName), serving.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return serving;
    }

    /// <summary>Starts the background miner on <see cref="MiningModels"/>; it runs until shutdown.</summary>
    public MiningService StartMining()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_generateLock) // waits for a generatetoaddress in progress: the model runs one generation at a time
        {
            if (Miner is not null) throw new InvalidOperationException("the node is already mining");
            var miner = CreateMiningService(CoinbaseScript);
            Miner = miner;
            _minerThread = MinerThread(miner);
            _minerThread.Start();
            return miner;
        }
    }

    private Thread MinerThread(MiningService miner) => new(() =>
    {
        try
        {
            miner.Run(_shutdown.Token);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            MiningFailed?.Invoke(e);
        }
    }) { Name = "miner", IsBackground = true };

    /// <summary>
    /// Mines <paramref name="count"/> blocks paying <paramref name="coinbaseScript"/> on <see cref="MiningModels"/> now
    /// (generatetoaddress). Calls run one at a time; it is refused while the background miner runs, which holds the model.
    /// </summary>
    public IReadOnlyList<MinedBlock> Generate(int count, byte[] coinbaseScript)
    {
        lock (_generateLock)
        {
            if (Miner is not null)
                throw new InvalidOperationException("the node is mining in the background (--mine), which holds the model; generate from a node without --mine");
            return CreateMiningService(coinbaseScript).MineBlocks(count, _shutdown.Token);
        }
    }

    /// <summary>Starts JSON-RPC on 127.0.0.1:<paramref name="port"/> (0 for any free port), writes the cookie and DATADIR/rpc.port.</summary>
    public async Task<int> StartRpcAsync(int port)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_server is not null) throw new InvalidOperationException($"the RPC server already listens on port {_server.Port}");
        string credentials = RpcCookie.Create(DataDirectory);
        try
        {
            _server = await RpcServer.StartAsync(Rpc, port, credentials);
        }
        catch
        {
            RpcCookie.Delete(DataDirectory);
            throw;
        }
        File.WriteAllText(Path.Combine(DataDirectory, RpcPortFileName), _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return _server.Port;
    }

    /// <summary>The peer-to-peer layer, once <see cref="StartNetwork"/> ran (null for a node alone).</summary>
    public ConnectionManager? Network { get; private set; }

    /// <summary>Joins the network: listens (when asked) and connects to peers; returns the connection manager.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The P2P port cannot be bound.</exception>
    public ConnectionManager StartNetwork(P2pOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Network is not null) throw new InvalidOperationException("the network is already started");
        var network = new ConnectionManager(options, Parameters, Chain, Mempool, Verifier, DataDirectory);
        network.Log += line => NetworkLog?.Invoke(line);
        try
        {
            network.Start();
        }
        catch
        {
            network.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        Network = network;
        return network;
    }

    /// <summary>Lines from the peer-to-peer layer: connections, misbehaviour, sync progress.</summary>
    public event Action<string>? NetworkLog;

    /// <summary>Asks the node to shut down (the `stop` RPC, Ctrl+C): whoever runs it then disposes it.</summary>
    public void RequestStop() => _stopRequested.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        RequestStop();
        await _shutdown.CancelAsync();
        _minerThread?.Join();
        if (Serving is not null)
        {
            await Serving.DisposeAsync(); // lets the requests in flight finish
            File.Delete(Path.Combine(DataDirectory, ServePortFileName));
        }
        if (Network is not null) await Network.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync(); // waits for requests in flight, which end on the shutdown token
            RpcCookie.Delete(DataDirectory);
            File.Delete(Path.Combine(DataDirectory, RpcPortFileName));
        }
        Wallet.Dispose();
        Chain.Dispose();
        foreach (var model in Models) model.Dispose();
        _shutdown.Dispose();
    }
}
