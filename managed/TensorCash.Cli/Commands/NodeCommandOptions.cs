using System.CommandLine;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;

namespace TensorCash.Cli.Commands;

/// <summary>--network, --datadir and --rpcport, shared by `tensorcash node` and `tensorcash cli` so both find the same node.</summary>
public sealed class NodeCommandOptions
{
    public Option<string> Network { get; } = new("--network")
    {
        Description = "Which chain: main, testnet or regtest (regtest: local test chain, instant easy blocks, generatetoaddress).",
        DefaultValueFactory = _ => "main",
        HelpName = "main|testnet|regtest",
    };

    public Option<string> DataDirectory { get; } = new("--datadir")
    {
        Description = "The node's directory (chainstate, wallets, RPC cookie). Default: ~/.tensorcash/<network>.",
        HelpName = "DIR",
    };

    public Option<int?> RpcPort { get; }

    public NodeCommandOptions(string rpcPortDescription)
    {
        Network.AcceptOnlyFromAmong([.. NetworkNames.All]);
        RpcPort = new Option<int?>("--rpcport") { Description = rpcPortDescription, HelpName = "PORT" };
        RpcPort.Validators.Add(result =>
        {
            if (CommonOptions.TryGetValue(result, out int? port) && port is < 0 or > 65535)
                result.AddError($"--rpcport must be between 0 and 65535 (got {port})");
        });
    }

    public IEnumerable<Option> All => [Network, DataDirectory, RpcPort];

    public Network GetNetwork(ParseResult parsed) =>
        NetworkNames.TryParse(parsed.GetValue(Network), out var network) ? network : TensorCash.Chain.Consensus.Network.Main;

    public string GetDataDirectory(ParseResult parsed) =>
        Path.GetFullPath(parsed.GetValue(DataDirectory) ?? NetworkNames.DefaultDataDirectory(GetNetwork(parsed)));
}
