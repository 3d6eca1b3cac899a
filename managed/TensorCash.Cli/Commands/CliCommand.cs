using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Node.Rpc;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash cli`: bitcoin-cli for a TensorCash node. Calls one JSON-RPC method with the node's cookie and prints
/// the result: strings raw, null as nothing, anything else as indented JSON. An RPC error prints bitcoin-cli's
/// "error code: N / error message:" block on stderr and exits 1.
/// </summary>
public static class CliCommand
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a terminal shows quotes and non-ASCII as they are
    };

    public static Command Create(CliConsole console)
    {
        var common = new NodeCommandOptions(
            "The node's RPC port. Default: the port in DATADIR/rpc.port (written by the running node), else the network's default.");
        var method = new Argument<string>("METHOD") { Description = "The RPC method, e.g. getblockchaininfo. 'help' lists them all." };
        var arguments = new Argument<string[]>("ARGS")
        {
            Description = "The method's arguments in order. Each is sent as JSON when it parses as JSON (numbers, true/false, null, " +
                          "arrays, objects, \"quoted strings\"), otherwise as a string. Put '--' first if an argument starts with '-'.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("cli", "Call a running node's JSON-RPC (like bitcoin-cli). Finds the node by --network/--datadir " +
                                         "and authenticates with DATADIR/.cookie. Prints strings raw and other results as JSON. Exit code 0 on success; 1 on an " +
                                         "RPC error (printed on stderr as 'error code: N', 'error message:', the message) or when the node cannot be reached; 2 on a usage error.")
        {
            method, arguments,
        };
        foreach (var option in common.All) command.Add(option);

        command.SetAction(console.Guard((parsed, _) =>
        {
            var network = common.GetNetwork(parsed);
            string dataDirectory = common.GetDataDirectory(parsed);
            int port = parsed.GetValue(common.RpcPort) ?? PortOf(dataDirectory, network);
            var parameters = (parsed.GetValue(arguments) ?? []).Select(ToJson).ToArray();
            string credentials = RpcCookie.Read(dataDirectory); // IOException "is a node running ...?" when absent

            JsonNode? result;
            using (var client = new RpcClient(port, credentials))
            {
                try
                {
                    result = client.CallAsync(parsed.GetRequiredValue(method), parameters).GetAwaiter().GetResult();
                }
                catch (RpcException e)
                {
                    console.Err.WriteLine($"error code: {(int)e.Code}");
                    console.Err.WriteLine("error message:");
                    console.Err.WriteLine(e.Message);
                    return ExitCodes.Failure;
                }
            }
            switch (result)
            {
                case null:
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    console.Out.WriteLine((string)value!);
                    break;
                default:
                    console.Out.WriteLine(result.ToJsonString(Indented));
                    break;
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>bitcoin-cli's rule: an argument that is valid JSON is sent as that JSON, anything else as a string.</summary>
    public static JsonNode? ToJson(string argument)
    {
        try
        {
            return JsonNode.Parse(argument);
        }
        catch (JsonException)
        {
            return JsonValue.Create(argument);
        }
    }

    private static int PortOf(string dataDirectory, Network network)
    {
        string path = Path.Combine(dataDirectory, NodeHost.RpcPortFileName);
        if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            return port;
        return ChainParams.For(network).DefaultRpcPort;
    }
}
