using System.Text.Json;
using System.Text.Json.Nodes;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Rpc;

namespace TensorCash.FuzzTargets;

/// <summary>
/// A JSON-RPC request body as the server reads it: RpcDispatcher.ParseAsync (strict JSON, no duplicate keys, depth
/// 64), then RpcDispatcher.Handle on a dispatcher whose methods read their parameters with every RpcParameters
/// accessor (string, integer, ranged integer, hash, hex, bool, amount, string array) and decode hex as a raw
/// transaction, the way the real methods do. Handle never throws by design: it turns a leaked exception into an
/// InternalError reply (or "invalid request: ..." from its per-request guard), so such a reply is the finding here.
/// The reply must also serialize, as the server sends it.
/// </summary>
public static class RpcRequestTarget
{
    private static readonly RpcDispatcher Dispatcher = CreateDispatcher();

    public static FuzzTarget Create() => new("rpc", "RpcDispatcher.ParseAsync + Handle + RpcParameters", Probe, typeof(JsonException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        using var body = new MemoryStream(input.ToArray(), writable: false);
        var request = RpcDispatcher.ParseAsync(body).GetAwaiter().GetResult();
        var reply = Dispatcher.Handle(request);
        _ = reply.ToJsonString();
        foreach (var one in reply is JsonArray batch ? batch.Select(r => r!) : [reply]) CheckReply(one);
    }

    private static void CheckReply(JsonNode reply)
    {
        if (reply["error"] is not JsonObject error) return;
        int code = error["code"]!.GetValue<int>();
        string message = error["message"]!.GetValue<string>();
        if (code == (int)RpcErrorCode.InternalError || message.StartsWith("invalid request: ", StringComparison.Ordinal))
            throw new FuzzInvariantException($"an exception leaked out of request handling: {code} {message}");
    }

    private static RpcDispatcher CreateDispatcher()
    {
        var dispatcher = new RpcDispatcher();
        Register(dispatcher, "string", (p, i) => p.String(i, "s"));
        Register(dispatcher, "integer", (p, i) => p.Integer(i, "n"));
        Register(dispatcher, "range", (p, i) => p.Integer(i, "n", -5, 1_000_000));
        Register(dispatcher, "hash", (p, i) => p.Hash(i, "hash").ToString());
        Register(dispatcher, "hex", (p, i) => p.HexBytes(i, "hex").Length);
        Register(dispatcher, "bool", (p, i) => p.Boolean(i, "flag", false));
        Register(dispatcher, "amount", (p, i) => p.Amount(i, "amount"));
        Register(dispatcher, "array", (p, i) => p.StringArray(i, "list").Count);
        Register(dispatcher, "decoderawtransaction", (p, i) =>
        {
            byte[] raw = p.HexBytes(i, "hexstring", RpcErrorCode.DeserializationError);
            try
            {
                return Transaction.Deserialize(raw).Txid.ToString();
            }
            catch (ChainFormatException e)
            {
                throw new RpcException(RpcErrorCode.DeserializationError, $"TX decode failed: {e.Message}");
            }
        });
        return dispatcher;
    }

    /// <summary>A method that applies <paramref name="read"/> to each of its parameters and returns what was read.</summary>
    private static void Register<T>(RpcDispatcher dispatcher, string name, Func<RpcParameters, int, T> read) =>
        dispatcher.Register(name, name, "fuzz probe", p =>
        {
            var results = new JsonArray();
            for (int i = 0; i < p.Count; i++) results.Add(JsonValue.Create(read(p, i)!.ToString()));
            return results;
        });
}
