using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Globalization;
using System.Runtime.InteropServices;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Node.P2p;
using TensorCash.Node.Storage;
using TensorCash.Node.Wallet;
using TensorCash.Serving;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash node`: runs a node until the `stop` RPC, Ctrl+C (SIGINT) or SIGTERM. Prints a startup summary, then a
/// line per block connected and per block mined, on stdout.
/// </summary>
public static class NodeCommand
{
    public static Command Create(CliConsole console)
    {
        var common = new NodeCommandOptions(
            "JSON-RPC port on 127.0.0.1. Default: the network's (main 8432, testnet 18432, regtest 18543). " +
            "0 picks a free port; the port in use is always written to DATADIR/rpc.port.");
        var mine = new Option<bool>("--mine") { Description = "Mine in the background on the --model models in turn, each block on the next one that is active in the registry (builtin:tiny if none is given)." };
        var models = new Option<string[]>("--model", "-m")
        {
            Description = "A model to hold (a .gguf file, a Hugging Face directory, or builtin:NAME); repeat for several. It need not be " +
                          "registered yet. The node replays (tier 2) every block on a model it holds and mines on them in turn while " +
                          "they are active. builtin:tiny is always held.",
            HelpName = "PATH|builtin:NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        var threads = CommonOptions.Threads();
        var replayPositions = CommonOptions.AtLeast(new Option<int>("--replay-positions")
        {
            Description = "Tier-2 steps the node replays per block, chosen from a secret this node draws at start hashed with the " +
                          "block hash (no miner can predict them); 0 = every step. Sampling is cheaper; a single edited step is then " +
                          "caught with probability S/n, not 1, and a block this node accepted is invalidated by a full node's fraud proof (getfraudproof " +
                          "there, submitfraudproof here). Use it only with a full-replay node watching the same blocks: a miner that submits " +
                          "to this node directly learns from its answers which edits it missed.",
            DefaultValueFactory = _ => 0,
            HelpName = "S",
        }, 0);
        var support = new Option<string[]>("--support")
        {
            Description = "A pending model the mined blocks signal support for (its id or registered name; repeat for several). " +
                          "Default: every pending model this node holds (--model), since a miner signals for what it can run.",
            HelpName = "MODEL",
            AllowMultipleArgumentsPerToken = false,
        };
        var mineAddress = new Option<string>("--mineaddress")
        {
            Description = "Address mined coinbases pay. Default: an address of the node's wallet.",
            HelpName = "ADDRESS",
        };

        var listen = new Option<bool>("--listen") { Description = "Accept inbound peer connections on --port (on every interface unless --bind)." };
        var p2pPort = new Option<int?>("--port")
        {
            Description = "Peer-to-peer port to listen on. Default: the network's (main 8433, testnet 18433, regtest 18544); 0 picks a " +
                          "free port, written to DATADIR/p2p.port.",
            HelpName = "PORT",
        };
        p2pPort.Validators.Add(result =>
        {
            if (CommonOptions.TryGetValue(result, out int? value) && value is < 0 or > 65535)
                result.AddError($"--port must be between 0 and 65535 (got {value})");
        });
        var bind = new Option<string>("--bind") { Description = "Address to listen on (default: every interface; 127.0.0.1 for local only).", HelpName = "ADDRESS" };
        var connect = new Option<string[]>("--connect")
        {
            Description = "Connect only to this peer (repeat for several): no address discovery, no other outbound connections.",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };
        var addNode = new Option<string[]>("--addnode")
        {
            Description = "Keep a connection to this peer (repeat for several), besides the automatic outbound connections.",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };

        var reindex = new Option<bool>("--reindex")
        {
            Description = "Rebuild the chainstate's UTXO set, undo data and UTXO commitments from the stored blocks (replayed from genesis) before starting.",
        };
        var txIndex = new Option<bool>("--txindex")
        {
            Description = "Keep an index of every transaction of the active chain by txid, so getrawtransaction finds any confirmed " +
                          "transaction (built at start when enabled on an existing chain; dropped when started without it). Default: off.",
        };
        var serve = new Option<bool>("--serve")
        {
            Description = "Also serve the OpenAI-compatible API (docs/serving.md) on the model the node mines on (the first --model, else " +
                          "builtin:tiny), so a miner serves while it mines. Requests are private unless they say " +
                          "\"tensorcash\": {\"proof_bearing\": true}; only those become the miner's prompts, and their receipts resolve to the block.",
        };
        var servePort = ServingCliOptions.Port("--serve-port", "Port of the --serve API; 0 picks a free one, written to DATADIR/serve.port. Default 8000.");
        var serveHost = ServingCliOptions.Host("--serve-host", "Address the --serve API listens on; 0.0.0.0 exposes it to the network. Default 127.0.0.1.");
        var apiKey = ServingCliOptions.ApiKeys();
        var command = new Command("node", "Run a TensorCash node: chainstate in --datadir, mempool, wallet, JSON-RPC on 127.0.0.1 with " +
                                          "cookie authentication (DATADIR/.cookie), optionally a miner and an OpenAI-compatible API. Stop it with `tensorcash cli stop` or Ctrl+C.")
        {
            mine, models, threads, replayPositions, support, mineAddress, listen, p2pPort, bind, connect, addNode, reindex, txIndex,
            serve, servePort, serveHost, apiKey,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(serve) is { Implicit: false }) return;
            foreach (var option in new Option[] { servePort, serveHost, apiKey })
                if (result.GetResult(option) is { Implicit: false }) result.AddError($"{option.Name} goes with --serve");
        });
        foreach (var option in common.All) command.Add(option);

        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            var network = common.GetNetwork(parsed);
            var parameters = ChainParams.For(network);
            string? address = parsed.GetValue(mineAddress);
            if (address is not null && !PaymentAddress.TryGetScript(address, parameters, out _, out string addressError))
                throw new UsageException($"--mineaddress: {addressError}");
            var options = new NodeOptions
            {
                Network = network,
                DataDirectory = common.GetDataDirectory(parsed),
                Models = parsed.GetValue(models) ?? [],
                Threads = parsed.GetValue(threads),
                MineAddress = address,
                ReplayPositions = parsed.GetValue(replayPositions),
                SupportModels = parsed.GetValue(support) is { Length: > 0 } supported ? supported : null,
                Reindex = parsed.GetValue(reindex),
                TxIndex = parsed.GetValue(txIndex),
                Progress = console.Progress,
            };
            int port = parsed.GetValue(common.RpcPort) ?? parameters.DefaultRpcPort;
            var p2p = new P2pOptions
            {
                Listen = parsed.GetValue(listen),
                Port = parsed.GetValue(p2pPort),
                Bind = parsed.GetValue(bind) is { } bindText
                    ? IPAddress.TryParse(bindText, out var bindAddress) ? bindAddress : throw new UsageException($"--bind: '{bindText}' is not an IP address")
                    : IPAddress.Any,
                Connect = (parsed.GetValue(connect) ?? []).Select(text => ParseEndpoint(text, "--connect", parameters)).ToList(),
                AddNodes = (parsed.GetValue(addNode) ?? []).Select(text => ParseEndpoint(text, "--addnode", parameters)).ToList(),
            };
            var serving = parsed.GetValue(serve)
                ? new ServingOptions { Host = parsed.GetValue(serveHost)!, Port = parsed.GetValue(servePort), ApiKeys = parsed.GetValue(apiKey) ?? [] }
                : null;
            return Run(console, parsed.CommandResult.Command, options, port, p2p, parsed.GetValue(mine), serving, cancellation);
        }));
        return command;
    }

    private static int Run(CliConsole console, Command command, NodeOptions options, int port, P2pOptions p2p, bool mine, ServingOptions? serving,
        CancellationToken cancellation)
    {
        NodeHost host;
        try
        {
            host = NodeHost.Open(options);
        }
        catch (Exception e) when (e is NodeStorageException or WalletException)
        {
            console.Error(command, e.Message);
            return ExitCodes.Failure;
        }
        var output = console.Out;
        void Line(string text)
        {
            lock (output)
            {
                output.WriteLine(text);
                output.Flush();
            }
        }

        try
        {
            // Our own handlers: the node must finish its shutdown (stop mining and RPC, close the database) before exiting.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var cancelled = cancellation.Register(host.RequestStop);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                host.RequestStop();
            }

            int boundPort = host.StartRpcAsync(port).GetAwaiter().GetResult();
            host.Chain.BlockConnected += (block, height) =>
                Line($"block {height} {block.Header.Hash} connected: {block.Transactions.Count} tx, proof {block.Proof.Length} bytes");
            host.BlockMined += mined => Line(string.Create(CultureInfo.InvariantCulture,
                $"mined block {mined.Height} {mined.Hash} on {mined.Model} in {mined.Elapsed.TotalSeconds:F2} s: {mined.TokensGenerated} tokens, {mined.WindowsTried} window{(mined.WindowsTried == 1 ? "" : "s")}, proof {mined.ProofBytes} bytes"));
            host.MiningFailed += e => Line($"mining stopped: {e.Message}");

            host.NetworkLog += Line;
            try
            {
                host.StartNetwork(p2p);
            }
            catch (SocketException e)
            {
                console.Error(command, $"cannot listen for peers on {p2p.Bind}:{p2p.Port ?? host.Parameters.DefaultP2pPort}: {e.Message} (another node on this port? use --port)");
                return ExitCodes.Failure;
            }
            PrintSummary(Line, host, boundPort);
            if (serving is not null && !StartServing(console, command, host, serving, options.Threads, Line)) return ExitCodes.Failure;
            if (mine)
            {
                host.StartMining();
                string payee = PaymentAddress.FromScript(host.CoinbaseScript, host.Parameters) ?? Convert.ToHexStringLower(host.CoinbaseScript);
                var registry = host.Chain.Registry;
                string models = string.Join(", ", host.MiningModels.Models.Select(m =>
                    registry.Find(m.Id) is { } entry ? $"{entry.Name} ({entry.Status.ToString().ToLowerInvariant()})" : $"{m.Spec} (not registered)"));
                Line($"mining on {models}, each block on the next one that is active; coinbase to {payee}");
            }
            else
            {
                Line("not mining (start with --mine to mine)");
            }

            host.StopRequested.Wait();
            Line("shutting down");
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Line("stopped");
        return ExitCodes.Success;
    }

    /// <summary>Starts `--serve` on the node's mining model; false (after one error line) when it cannot.</summary>
    private static bool StartServing(CliConsole console, Command command, NodeHost host, ServingOptions serving, int threads, Action<string> line)
    {
        var model = host.MiningModel;
        try
        {
            var tokenizer = ModelResolver.LoadTokenizer(model.Spec, model.Weights.Config.VocabSize);
            var template = ServingCliOptions.ChatTemplateOrPlain(model.Spec, tokenizer, console);
            var server = host.StartServingAsync(tokenizer, template, serving, threads).GetAwaiter().GetResult();
            line($"serving {model.Spec} on {ServingCliOptions.Url(serving.Host, server.Server.Port)}{(serving.ApiKeys.Count == 0 ? "" : ", API key required")}; " +
                 "requests are private unless proof-bearing, and only proof-bearing ones become the miner's prompts");
            return true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UsageException or Engine.Tokenization.TokenizerFormatException)
        {
            console.Error(command, $"--serve: {e.Message}{(e is IOException ? " (another server on this port? use --serve-port)" : "")}");
            return false;
        }
    }

    private static IPEndPoint ParseEndpoint(string text, string option, ChainParams parameters)
    {
        try
        {
            return PeerEndpoint.Parse(text, option, parameters.DefaultP2pPort);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static void PrintSummary(Action<string> line, NodeHost host, int port)
    {
        var tip = host.Chain.Tip;
        var parameters = host.Parameters;
        line($"TensorCash node on {NetworkNames.Name(parameters.Network)}");
        line($"  datadir:  {host.DataDirectory}");
        line($"  tip:      height {tip.Height}, {tip.Hash}");
        line($"  rpc:      127.0.0.1:{port} (cookie {host.CookiePath})");
        var registry = tip.Registry;
        foreach (var model in host.Models)
        {
            // A held model need not be registered: the node replays and mines it once the registry has it active.
            string state = registry.Find(model.Id) is { } entry
                ? $"{entry.Name}, {entry.Status.ToString().ToLowerInvariant()} ({entry.StatusReason})"
                : $"not registered on {NetworkNames.Name(parameters.Network)} (yet): held for replay, mined once registered and active";
            line($"  model:    {model.Spec} {model.Identity.Hex}: {state}");
        }
        line($"  wallet:   {host.Wallet.FilePath}");
        var network = host.Network!;
        line(network.ListenPort != 0 ? $"  p2p:      listening on {network.Options.Bind}:{network.ListenPort}" : "  p2p:      not listening (start with --listen to accept peers)");
        var outbound = network.Options.Connect.Count > 0 ? $"only {string.Join(", ", network.Options.Connect)} (--connect)"
            : $"up to {network.Options.MaxOutbound} from {network.Addresses.Count} known addresses" + (network.Options.AddNodes.Count > 0 ? $", plus {string.Join(", ", network.Options.AddNodes)}" : "");
        line($"  peers:    {outbound}; {network.Bans.List().Count} banned");
    }
}
