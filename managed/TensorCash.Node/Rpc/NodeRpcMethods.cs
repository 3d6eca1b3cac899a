using TensorCash.Node.Hosting;

namespace TensorCash.Node.Rpc;

/// <summary>The node's whole method table (docs/rpc.md lists every method).</summary>
public static class NodeRpcMethods
{
    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        BlockchainRpcMethods.Register(rpc, node);
        RawTransactionRpcMethods.Register(rpc, node);
        MiningRpcMethods.Register(rpc, node);
        WalletRpcMethods.Register(rpc, node);
        ControlRpcMethods.Register(rpc, node);
        NetworkRpcMethods.Register(rpc, node);
        RegistryRpcMethods.Register(rpc, node);
        UtxoRpcMethods.Register(rpc, node);
        StorageRpcMethods.Register(rpc, node);
    }
}
