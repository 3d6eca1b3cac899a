using System.Text.Json.Nodes;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mempool;

namespace TensorCash.Node.Rpc;

/// <summary>getrawtransaction, sendrawtransaction and getindexinfo, as in bitcoind with or without -txindex.</summary>
public static class RawTransactionRpcMethods
{
    /// <summary>
    /// Without a transaction index, a confirmed transaction is found by reading the active chain's blocks from the tip
    /// down; this bounds that search (older transactions need the blockhash argument).
    /// </summary>
    public const int SearchDepthBlocks = 100;

    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("getrawtransaction", "getrawtransaction \"txid\" ( verbose \"blockhash\" )",
            "A transaction from the mempool, from block blockhash when given, or else from the active chain: with --txindex any " +
            $"confirmed transaction (one index lookup), without it only those in the last {SearchDepthBlocks} blocks. " +
            "verbose 0/false (default): the serialized transaction as hex; " +
            "1/true or 2: the decoded transaction with hex, and blockhash, confirmations and time when it is in a block.",
            p =>
            {
                var txid = p.Hash(0, "txid");
                int verbosity = BlockchainRpcMethods.Verbosity(p, 1, "verbose", fallback: 0);
                var (tx, block) = Find(node, txid, p.Has(2) ? p.Hash(2, "blockhash") : null);
                if (verbosity == 0) return Convert.ToHexStringLower(tx.Serialize());
                var result = RpcJson.Transaction(tx, node.Parameters);
                result["hex"] = Convert.ToHexStringLower(tx.Serialize());
                if (block is not null)
                {
                    int height = BlockLookup.HeightOf(block, node.Parameters);
                    bool active = BlockLookup.IsActive(node.Chain, block.Header.Hash, height);
                    result["blockhash"] = block.Header.Hash.ToString();
                    result["in_active_chain"] = active;
                    result["confirmations"] = active ? node.Chain.Tip.Height - height + 1 : 0;
                    result["time"] = block.Header.Time;
                    result["blocktime"] = block.Header.Time;
                }
                return result;
            });

        rpc.Register("getindexinfo", "getindexinfo ( \"index_name\" )",
            "The optional indexes and their state: {\"txindex\": {\"synced\": true, \"best_block_height\": N}} when the node runs " +
            "with --txindex (the index is kept in the same database transaction as the tip, so it is always synced), {} without. " +
            "index_name: only that index (an unknown name gives {}).",
            p =>
            {
                var result = new JsonObject();
                if (node.Chain.TxIndexHeight is { } height && (!p.Has(0) || p.String(0, "index_name") == "txindex"))
                    result["txindex"] = new JsonObject { ["synced"] = true, ["best_block_height"] = height };
                return result;
            });

        rpc.Register("sendrawtransaction", "sendrawtransaction \"hexstring\"",
            "Submits a serialized transaction to the mempool and returns its txid (also when it is already there). " +
            "Rejections are errors: -22 undecodable, -25 missing or spent inputs, -26 policy or consensus (the message " +
            "starts with the reason, e.g. \"min relay fee not met\"), -27 already confirmed.",
            p =>
            {
                byte[] bytes = p.HexBytes(0, "hexstring", RpcErrorCode.DeserializationError);
                Transaction tx;
                try
                {
                    tx = Transaction.Deserialize(bytes);
                }
                catch (ChainFormatException e)
                {
                    throw new RpcException(RpcErrorCode.DeserializationError, $"TX decode failed: {e.Message}");
                }
                var result = node.Mempool.Submit(tx);
                if (result.Accepted || result.Rejection!.Reason == MempoolReasons.AlreadyInPool) return tx.Txid.ToString();
                var code = result.Rejection.Reason switch
                {
                    MempoolReasons.MissingInputs => RpcErrorCode.VerifyError,
                    MempoolReasons.AlreadyKnown => RpcErrorCode.VerifyAlreadyInChain,
                    _ => RpcErrorCode.VerifyRejected,
                };
                throw new RpcException(code, result.Rejection.ToString());
            });
    }

    private static (Transaction Tx, Block? Block) Find(NodeHost node, Hash256 txid, Hash256? blockHash)
    {
        if (blockHash is { } hash)
        {
            var block = BlockLookup.Require(node.Chain, hash, "getrawtransaction");
            return (block.Transactions.FirstOrDefault(t => t.Txid == txid) ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey,
                $"getrawtransaction: No such transaction found in the provided block ({hash})"), block);
        }
        if (node.Mempool.Pool.GetEntry(txid) is { } entry) return (entry.Transaction, null);
        if (node.Chain.TxIndexEnabled)
        {
            // Read the block at the indexed place; a reorganisation between the lookup and the read is a miss, as Core's is.
            if (node.Chain.FindTransaction(txid) is { } place && node.Chain.GetBlock(place.Block) is { } indexed
                && place.Position < indexed.Transactions.Count && indexed.Transactions[place.Position].Txid == txid)
                return (indexed.Transactions[place.Position], indexed);
            throw new RpcException(RpcErrorCode.InvalidAddressOrKey, "getrawtransaction: No such mempool or blockchain transaction");
        }
        var tip = node.Chain.Tip;
        for (int height = tip.Height; height >= 0 && height > tip.Height - SearchDepthBlocks; height--)
        {
            if (node.Chain.GetBlockHash(height) is not { } atHeight || node.Chain.GetBlock(atHeight) is not { } block) break; // the tip moved down meanwhile
            if (block.Transactions.FirstOrDefault(t => t.Txid == txid) is { } tx) return (tx, block);
        }
        throw new RpcException(RpcErrorCode.InvalidAddressOrKey,
            $"getrawtransaction: No such mempool transaction, nor in the last {SearchDepthBlocks} blocks; there is no transaction index (start the node with --txindex), so give the blockhash of an older block");
    }
}
