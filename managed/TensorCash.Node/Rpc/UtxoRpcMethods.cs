using System.Text;
using System.Text.Json.Nodes;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mempool;

namespace TensorCash.Node.Rpc;

/// <summary>
/// bitcoind's cheap inspection methods: gettxout, gettxoutsetinfo, getmempoolentry, testmempoolaccept,
/// decoderawtransaction, decodescript, invalidateblock, estimatesmartfee.
/// </summary>
public static class UtxoRpcMethods
{
    /// <summary>The reason a block marked invalid by invalidateblock carries.</summary>
    public const string InvalidatedReason = "invalidated-by-rpc";

    /// <summary>estimatesmartfee's conf_target range, as bitcoind's.</summary>
    public const int MaxConfirmationTarget = 1008;

    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("gettxout", "gettxout \"txid\" n ( include_mempool )",
            "An unspent output: {bestblock, confirmations, value, scriptPubKey, coinbase}, or null when it is spent or unknown. " +
            "include_mempool true (default): outputs of pooled transactions count (confirmations 0), and an output a pooled transaction spends is null.",
            p =>
            {
                var txid = p.Hash(0, "txid");
                int n = p.Integer(1, "n", 0, int.MaxValue);
                bool includeMempool = p.Boolean(2, "include_mempool", true);
                var outPoint = new OutPoint(txid, (uint)n);
                var tip = node.Chain.Tip;
                if (includeMempool)
                {
                    var pooled = node.Mempool.Pool.Snapshot();
                    if (pooled.Any(e => e.Transaction.Inputs.Any(i => i.Prevout == outPoint))) return null;
                    if (pooled.FirstOrDefault(e => e.Txid == txid) is { } entry)
                        return n < entry.Transaction.Outputs.Count ? Output(node, tip.Hash, 0, entry.Transaction.Outputs[n], false) : null;
                }
                if (node.Chain.GetCoin(outPoint) is not { } coin) return null;
                return Output(node, tip.Hash, tip.Height - coin.Height + 1, coin.Output, coin.IsCoinbase);
            });

        rpc.Register("gettxoutsetinfo", "gettxoutsetinfo",
            "The active chain's UTXO set: {height, bestblock, txouts (unspent outputs), total_amount, muhash (the set's MuHash3072 " +
            "commitment, checked at startup and by verifychain)}.",
            _ =>
            {
                // The tip and the statistics are read separately; a block connected in between is a benign race.
                var tip = node.Chain.Tip;
                var stats = node.Chain.GetUtxoStats();
                return new JsonObject
                {
                    ["height"] = tip.Height,
                    ["bestblock"] = tip.Hash.ToString(),
                    ["txouts"] = stats.Count,
                    ["total_amount"] = RpcJson.Amount(stats.TotalAmount),
                    ["muhash"] = node.Chain.GetUtxoCommitment().ToString(),
                };
            });

        rpc.Register("getmempoolentry", "getmempoolentry \"txid\"",
            "A pooled transaction: {vsize, fee, fees: {base}, sequence, depends (pooled parents), spentby (pooled children)}; -5 when it is not in the pool.",
            p =>
            {
                var txid = p.Hash(0, "txid");
                var entries = node.Mempool.Pool.Snapshot();
                var entry = entries.FirstOrDefault(e => e.Txid == txid)
                    ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, "getmempoolentry: Transaction not in mempool");
                return MempoolEntryObjects(entries, [entry])[0];
            });

        rpc.Register("testmempoolaccept", "testmempoolaccept [\"rawtx\",...]",
            "Whether each serialized transaction would be accepted by the mempool now, without adding it: " +
            "[{txid, allowed, vsize, fees: {base}}] or [{txid, allowed: false, reject-reason}]. Each is checked on its own " +
            "(a package whose members depend on each other is not supported: at most one transaction).",
            p =>
            {
                var hexes = p.StringArray(0, "rawtxs");
                if (hexes.Count != 1)
                    throw new RpcException(RpcErrorCode.InvalidParameter, $"testmempoolaccept: Array must contain exactly one raw transaction for now (got {hexes.Count})");
                var tx = Decode(hexes[0], "testmempoolaccept");
                var result = node.Mempool.TestAccept(tx);
                var reply = new JsonObject { ["txid"] = tx.Txid.ToString(), ["allowed"] = result.Accepted };
                if (result.Accepted)
                {
                    reply["vsize"] = tx.SerializedSize;
                    reply["fees"] = new JsonObject { ["base"] = RpcJson.Amount(result.Fee) };
                }
                else
                {
                    reply["reject-reason"] = result.Rejection!.Reason;
                }
                return new JsonArray(reply);
            });

        rpc.Register("decoderawtransaction", "decoderawtransaction \"hexstring\"",
            "The decoded transaction (as getrawtransaction verbose), from its serialization; -22 when it does not decode.",
            p => RpcJson.Transaction(Decode(p.HexBytes(0, "hexstring", RpcErrorCode.DeserializationError), "decoderawtransaction"), node.Parameters));

        rpc.Register("decodescript", "decodescript \"hexstring\"",
            "A script: {asm, type, address (when it pays one)}; type is \"pubkeyhash\", \"nulldata\" or \"nonstandard\".",
            p =>
            {
                byte[] script = p.HexBytes(0, "hexstring");
                var result = RpcJson.ScriptPubKey(script, node.Parameters);
                result.Remove("hex");
                result["asm"] = Disassemble(script);
                if (!result.ContainsKey("type")) result["type"] = "nonstandard";
                return result;
            });

        rpc.Register("invalidateblock", "invalidateblock \"blockhash\"",
            "Marks a stored block and its descendants invalid (reason \"" + InvalidatedReason + "\") and moves the tip to the " +
            "best chain that remains. reconsiderblock undoes it.",
            p =>
            {
                var hash = p.Hash(0, "blockhash");
                if (hash == node.Parameters.Genesis.Header.Hash)
                    throw new RpcException(RpcErrorCode.InvalidParameter, "invalidateblock: the genesis block cannot be invalidated");
                if (!node.Chain.InvalidateBlock(hash, new RuleViolation(InvalidatedReason, $"block {hash} was marked invalid by invalidateblock")))
                    throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"invalidateblock: Block not found ({hash})");
                return null;
            });

        rpc.Register("reconsiderblock", "reconsiderblock \"blockhash\"",
            "Removes the invalid marks of a stored block, its ancestors and its descendants, whatever set them, and moves the tip " +
            "to the best chain, which may be the one through this block again (as in Bitcoin Core). Connecting re-runs the " +
            "ledger rules, so a block that is invalid for a consensus reason is marked invalid again; the proof is not replayed, " +
            "so a block marked by a fraud proof stays valid until the proof is submitted again.",
            p =>
            {
                var hash = p.Hash(0, "blockhash");
                if (!node.Chain.ReconsiderBlock(hash))
                    throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"reconsiderblock: Block not found ({hash})");
                return null;
            });

        rpc.Register("estimatesmartfee", "estimatesmartfee conf_target ( \"estimate_mode\" )",
            "A simple fee-rate estimate in coins per 1000 bytes: {feerate, blocks}. The pool's transactions are ranked by fee " +
            "rate and cut into conf_target blocks' worth; if they fill them, the estimate is the fee rate at the cut, otherwise " +
            "the least the pool accepts now (the minimum relay fee, or the pool's own minimum when it is full). There is no " +
            "history of confirmations as in bitcoind; estimate_mode is accepted and ignored.",
            p =>
            {
                int target = p.Integer(0, "conf_target", 1, MaxConfirmationTarget);
                if (p.Has(1))
                {
                    string mode = p.String(1, "estimate_mode").ToUpperInvariant();
                    if (mode is not ("UNSET" or "ECONOMICAL" or "CONSERVATIVE"))
                        throw new RpcException(RpcErrorCode.InvalidParameter, "estimatesmartfee: Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
                }
                long perKilobyte = EstimateFeeRate(node, target);
                return new JsonObject { ["feerate"] = RpcJson.Amount(perKilobyte), ["blocks"] = target };
            });
    }

    /// <summary>The fee rate (base units per 1000 bytes) that <see cref="Register"/>'s estimatesmartfee describes.</summary>
    public static long EstimateFeeRate(NodeHost node, int targetBlocks)
    {
        var info = node.Mempool.Pool.GetInfo();
        long floor = Math.Max(info.MinimumFeeRate.PerKilobyte, info.MinimumRelayFeeRate.PerKilobyte);
        long budget = (long)node.Parameters.MaxBlockBytes * targetBlocks;
        long used = 0;
        foreach (var entry in node.Mempool.Pool.Snapshot().OrderByDescending(e => e.FeeRate.PerKilobyte))
        {
            used += entry.Size;
            if (used > budget) return Math.Max(floor, entry.FeeRate.PerKilobyte + 1); // outbid the first that does not fit
        }
        return floor;
    }

    private static JsonObject Output(NodeHost node, Hash256 bestBlock, int confirmations, TxOut output, bool coinbase) => new()
    {
        ["bestblock"] = bestBlock.ToString(),
        ["confirmations"] = confirmations,
        ["value"] = RpcJson.Amount(output.Value),
        ["scriptPubKey"] = RpcJson.ScriptPubKey(output.ScriptPubKey, node.Parameters),
        ["coinbase"] = coinbase,
    };

    private static Transaction Decode(string hex, string method)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new RpcException(RpcErrorCode.DeserializationError, $"{method}: TX decode failed: not an even number of hex digits");
        }
        return Decode(bytes, method);
    }

    private static Transaction Decode(byte[] bytes, string method)
    {
        try
        {
            return Transaction.Deserialize(bytes);
        }
        catch (ChainFormatException e)
        {
            throw new RpcException(RpcErrorCode.DeserializationError, $"{method}: TX decode failed: {e.Message}");
        }
    }

    /// <summary>bitcoind's asm: pushes as hex (small numbers as digits), other opcodes by name; "[error]" where it stops parsing.</summary>
    public static string Disassemble(byte[] script)
    {
        var parts = new List<string>();
        var reader = new ScriptReader(script);
        while (!reader.AtEnd)
        {
            if (!reader.TryRead(out var opcode, out var data))
            {
                parts.Add("[error]");
                break;
            }
            if (opcode == Opcode.OP_0) parts.Add("0");
            else if ((byte)opcode <= (byte)Opcode.OP_PUSHDATA4) parts.Add(Convert.ToHexStringLower(data));
            else if (opcode == Opcode.OP_1NEGATE) parts.Add("-1");
            else if (opcode >= Opcode.OP_1 && opcode <= Opcode.OP_16) parts.Add(((byte)opcode - (byte)Opcode.OP_1 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            else parts.Add(Enum.IsDefined(opcode) ? opcode.ToString() : "OP_UNKNOWN");
        }
        return string.Join(' ', parts);
    }

    /// <summary>
    /// Bitcoin Core's mempool entry object (getmempoolentry, getrawmempool verbose) for each of <paramref name="selected"/>:
    /// vsize, size, fee, fees {base}, sequence, depends (pooled parents), spentby (pooled children), with the links
    /// found in one pass over <paramref name="entries"/> (the whole pool).
    /// </summary>
    internal static IReadOnlyList<JsonObject> MempoolEntryObjects(IReadOnlyList<MempoolEntry> entries, IReadOnlyList<MempoolEntry> selected)
    {
        var pooled = entries.Select(e => e.Txid).ToHashSet();
        var children = new Dictionary<Hash256, List<Hash256>>();
        foreach (var child in entries)
            foreach (var parent in child.Transaction.Inputs.Select(i => i.Prevout.Txid).Where(pooled.Contains).Distinct())
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(child.Txid);
        return selected.Select(entry => new JsonObject
        {
            ["vsize"] = entry.Size,
            ["size"] = entry.Size,
            ["fee"] = RpcJson.Amount(entry.Fee),
            ["fees"] = new JsonObject { ["base"] = RpcJson.Amount(entry.Fee) },
            ["sequence"] = entry.Sequence,
            ["depends"] = new JsonArray(entry.Transaction.Inputs.Select(i => i.Prevout.Txid).Where(pooled.Contains).Distinct().Select(t => (JsonNode)t.ToString()).ToArray()),
            ["spentby"] = new JsonArray(children.GetValueOrDefault(entry.Txid, []).Select(t => (JsonNode)t.ToString()).ToArray()),
        }).ToList();
    }
}
