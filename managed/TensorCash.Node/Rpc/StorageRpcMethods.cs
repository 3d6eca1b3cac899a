using TensorCash.Node.Hosting;

namespace TensorCash.Node.Rpc;

/// <summary>Storage checks with bitcoind's names: verifychain.</summary>
public static class StorageRpcMethods
{
    /// <summary>bitcoind's default nblocks for verifychain.</summary>
    public const int DefaultBlocks = 6;

    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("verifychain", "verifychain ( checklevel nblocks )",
            "Verifies the chainstate: hashes the whole UTXO set against the tip's UTXO commitment, re-reads and re-hashes the last nblocks " +
            $"active blocks (default {DefaultBlocks}, 0 = all), checks their undo data, and disconnects and reconnects them in memory against the " +
            "stored commitments. checklevel (0-4) is accepted for bitcoind compatibility; every level runs all the checks. Returns true or false; " +
            "a failure is written to the node's log (standard error) with its reason.",
            parameters =>
            {
                if (parameters.Has(0)) parameters.Integer(0, "checklevel", 0, 4);
                int blocks = parameters.Has(1) ? parameters.Integer(1, "nblocks", 0, int.MaxValue) : DefaultBlocks;
                var result = node.Chain.VerifyChain(blocks);
                if (!result.Valid) Console.Error.WriteLine($"verifychain: failed after {result.BlocksChecked} blocks: {result.Error}");
                return result.Valid;
            });
    }
}
