using TensorCash.Node.Hosting;

namespace TensorCash.Node.Rpc;

/// <summary>Node control as in bitcoind: stop and uptime (help is the dispatcher's own).</summary>
public static class ControlRpcMethods
{
    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("stop", "stop", "Shuts the node down cleanly: mining stops, the RPC server stops, the cookie is deleted, the chainstate is closed.", _ =>
        {
            node.RequestStop(); // the owner disposes the node; the server answers this request before it stops
            return "TensorCash node stopping";
        });
        rpc.Register("uptime", "uptime", "Seconds since the node started.",
            _ => (long)(DateTimeOffset.UtcNow - node.StartedAt).TotalSeconds);
    }
}
