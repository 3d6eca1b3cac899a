using System.Text.Json.Nodes;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mempool;
using TensorCash.Node.Storage;
using TensorCash.Proof.Transcript;

namespace TensorCash.Node.Rpc;

/// <summary>Chain queries with bitcoind's names and fields: getblockchaininfo, getblockcount, getbestblockhash, getblockhash, getblock.</summary>
public static class BlockchainRpcMethods
{
    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("getblockchaininfo", "getblockchaininfo",
            "The active chain: network, height, best block, difficulty, median time, chain work, and the models of the registry " +
            "after the tip (genesis and registered: status, D_m, whether this node holds it).",
            _ => BlockchainInfo(node));
        rpc.Register("getblockcount", "getblockcount", "The height of the active chain's tip (genesis is 0).",
            _ => node.Chain.Tip.Height);
        rpc.Register("getbestblockhash", "getbestblockhash", "The hash of the active chain's tip.",
            _ => node.Chain.Tip.Hash.ToString());
        rpc.Register("getblockhash", "getblockhash height", "The hash of the active chain's block at height.", p =>
        {
            int height = p.Integer(0, "height", 0, int.MaxValue);
            return node.Chain.GetBlockHash(height)?.ToString()
                ?? throw new RpcException(RpcErrorCode.InvalidParameter, $"getblockhash: Block height out of range ({height} > tip {node.Chain.Tip.Height})");
        });
        rpc.Register("getblockheader", "getblockheader \"blockhash\" ( verbose )",
            "A block header. verbose false: the 184-byte header as hex; true (default): an object with bitcoind's fields, the " +
            "proof fields, and status: \"active\", \"valid-fork\", \"valid-headers\", \"invalid\", or \"unverified\" (received, but " +
            "this node does not hold its model, so it is neither stored nor marked invalid; then also reason \"proof-unverified\").", p =>
            {
                var hash = p.Hash(0, "blockhash");
                bool verbose = p.Has(1) ? p.Boolean(1, "verbose", fallback: true) : true;
                if (!verbose)
                {
                    var header = node.Chain.GetHeader(hash) ?? node.Chain.GetUnverified(hash)?.Header
                        ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"getblockheader: Block not found ({hash})");
                    return Convert.ToHexStringLower(header.Serialize());
                }
                return BlockHeaderObject(node, hash);
            });
        rpc.Register("getvdfinfo", "getvdfinfo",
            "The VDF (docs/protocol/vdf.md): the network's discriminant size in bits and T (squarings per block), the tip's " +
            "v and T, the evidence size, and verifyms and derivems: the time this node takes now to verify the tip's VDF " +
            "evidence (discriminant derivation included) and to derive the discriminant alone. Genesis has no VDF (null times).",
            _ => VdfInfo(node));
        rpc.Register("getchaintips", "getchaintips",
            "Every tip of the block tree: {height, hash, branchlen, status} with status \"active\", \"valid-fork\", " +
            "\"valid-headers\", \"invalid\", or \"unverified\" (a block whose model this node does not hold; reason \"proof-unverified\").",
            _ => ChainTips(node));
        rpc.Register("getmempoolinfo", "getmempoolinfo",
            "The mempool: transaction count, bytes, total fees, size cap, and the fee rates (coins per 1000 bytes) a newcomer must pay.",
            _ => MempoolInfo(node));
        rpc.Register("getrawmempool", "getrawmempool ( verbose )",
            "The txids in the mempool, oldest first; with verbose=true an object keyed by txid whose values are getmempoolentry's " +
            "objects (vsize, size, fee, fees {base}, sequence, depends, spentby).", p =>
            {
                var entries = node.Mempool.Pool.Snapshot().OrderBy(e => e.Sequence).ToList();
                if (!p.Boolean(0, "verbose", false)) return new JsonArray(entries.Select(e => (JsonNode)e.Txid.ToString()).ToArray());
                var result = new JsonObject();
                var objects = UtxoRpcMethods.MempoolEntryObjects(entries, entries);
                for (int i = 0; i < entries.Count; i++) result[entries[i].Txid.ToString()] = objects[i];
                return result;
            });
        rpc.Register("getblock", "getblock \"blockhash\" ( verbosity )",
            "A stored block (active or not). verbosity 0: the serialized block as hex (header, transactions, proof); " +
            "1 (default): an object with txids and the proof summary; 2: as 1 with every transaction decoded.", p =>
            {
                var hash = p.Hash(0, "blockhash");
                int verbosity = Verbosity(p, 1, "verbosity", fallback: 1);
                var block = BlockLookup.Require(node.Chain, hash, "getblock");
                if (verbosity == 0) return Convert.ToHexStringLower(block.Serialize());
                return BlockObject(node, block, verbosity == 2);
            });
    }

    /// <summary>
    /// A header as bitcoind's getblockheader (verbose), with a "status": "active", "valid-fork", "valid-headers",
    /// "invalid", or "unverified" for a block received whose model this node does not hold (not stored, not invalid).
    /// </summary>
    private static JsonObject BlockHeaderObject(NodeHost node, Hash256 hash)
    {
        var chain = node.Chain;
        var parameters = node.Parameters;
        if (chain.GetUnverified(hash) is { } unverified)
        {
            var pending = HeaderFields(unverified.Header, parameters, ModelName(chain, unverified.Header));
            pending["hash"] = hash.ToString();
            pending["height"] = unverified.Height;
            pending["confirmations"] = -1;
            pending["status"] = "unverified";
            pending["reason"] = unverified.Reason.Reason;
            pending["message"] = unverified.Reason.Message;
            return pending;
        }
        var header = chain.GetHeader(hash) ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"getblockheader: Block not found ({hash})");
        int height = chain.GetHeight(hash)!.Value;
        var status = chain.GetBlockStatus(hash)!.Value;
        bool active = BlockLookup.IsActive(chain, hash, height);
        var result = HeaderFields(header, parameters, ModelName(chain, header));
        result["hash"] = hash.ToString();
        result["height"] = height;
        result["confirmations"] = active ? chain.Tip.Height - height + 1 : -1;
        result["mediantime"] = chain.GetMedianTimePast(hash);
        result["chainwork"] = RpcJson.Uint256Hex(BlockLookup.ChainWorkOf(chain, hash, height));
        result["status"] = active ? "active"
            : (status & BlockStatus.FailedMask) != 0 ? "invalid"
            : (status & BlockStatus.ConnectedValid) != 0 ? "valid-fork" : "valid-headers";
        if (active && height < chain.Tip.Height) result["nextblockhash"] = chain.GetBlockHash(height + 1)?.ToString();
        return result;
    }

    /// <summary>
    /// The name of a header's model in the registry after its parent (where it ran), else after the tip (a model
    /// registered since), else null.
    /// </summary>
    private static string? ModelName(Chainstate.ChainState chain, BlockHeader header) =>
        (header.PrevBlock != Hash256.Zero ? chain.GetRegistry(header.PrevBlock)?.Find(header.ModelId) : null)?.Name
        ?? chain.Registry.Find(header.ModelId)?.Name;

    private static JsonObject HeaderFields(BlockHeader header, ChainParams parameters, string? modelName)
    {
        var fields = new JsonObject
        {
            ["version"] = header.Version,
            ["versionHex"] = ((uint)header.Version).ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            ["merkleroot"] = header.MerkleRoot.ToString(),
            ["time"] = header.Time,
            ["nonce"] = header.Nonce,
            ["bits"] = RpcJson.CompactHex(header.Bits),
            ["adjbits"] = RpcJson.CompactHex(header.AdjBits),
            ["difficulty"] = RpcJson.Difficulty(header.Bits, parameters),
            ["modelid"] = RpcJson.ByteOrderHex(header.ModelId),
            ["model"] = modelName,
            ["proofcommitment"] = RpcJson.ByteOrderHex(header.ProofCommitment),
            ["vdfoutput"] = RpcJson.ByteOrderHex(header.VdfOutput),
            ["vdfticks"] = header.VdfTicks,
        };
        if (header.PrevBlock != Hash256.Zero) fields["previousblockhash"] = header.PrevBlock.ToString();
        return fields;
    }

    private static JsonObject VdfInfo(NodeHost node)
    {
        var parameters = node.Parameters;
        var tip = node.Chain.Tip;
        var result = new JsonObject
        {
            ["discriminantbits"] = parameters.VdfDiscriminantBits,
            ["ticks"] = parameters.VdfTicks,
            ["challengebits"] = parameters.VdfChallengeBits,
            ["evidencebytes"] = Chain.Vdf.VdfProofCodec.EncodedBytes(parameters.VdfDiscriminantBits),
            ["tip"] = tip.Hash.ToString(),
            ["tipheight"] = tip.Height,
            ["tipvdfoutput"] = RpcJson.ByteOrderHex(tip.Header.VdfOutput),
            ["tipvdfticks"] = tip.Header.VdfTicks,
            ["verifyms"] = null,
            ["derivems"] = null,
        };
        if (tip.Height == 0) return result;
        var block = node.Chain.GetBlock(tip.Hash)
            ?? throw new RpcException(RpcErrorCode.MiscError, $"getvdfinfo: the tip {tip.Hash} is not stored");
        // Timed here, past the verdict cache, so the figure is what a peer that never saw the block pays.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var setup = Chain.Vdf.VdfSetup.FromSeed(tip.Header.PrevBlock.ToArray(), parameters.VdfDiscriminantBits, parameters.VdfChallengeBits);
        double derive = clock.Elapsed.TotalMilliseconds;
        Chain.Vdf.VdfProofCodec.DecodeAndVerify(block.VdfProof, setup, tip.Header.VdfTicks, out var rejection);
        result["verifyms"] = Math.Round(clock.Elapsed.TotalMilliseconds, 3);
        result["derivems"] = Math.Round(derive, 3);
        if (rejection is not null) result["error"] = rejection.ToString();
        return result;
    }

    /// <summary>bitcoind's getchaintips, plus the unverified blocks (status "unverified", branchlen from their parent's fork point).</summary>
    private static JsonArray ChainTips(NodeHost node)
    {
        var tips = new JsonArray();
        foreach (var tip in node.Chain.GetChainTips())
            tips.Add(new JsonObject { ["height"] = tip.Height, ["hash"] = tip.Hash.ToString(), ["branchlen"] = tip.BranchLength, ["status"] = tip.Status });
        foreach (var block in node.Chain.GetUnverifiedBlocks())
        {
            // The parent may be stored (then the branch is measured from the active chain) or itself unverified.
            int? parentHeight = node.Chain.GetHeight(block.Header.PrevBlock);
            int branch = parentHeight is { } h ? block.Height - ForkHeight(node, block.Header.PrevBlock, h) : 1;
            tips.Add(new JsonObject
            {
                ["height"] = block.Height,
                ["hash"] = block.Hash.ToString(),
                ["branchlen"] = branch,
                ["status"] = "unverified",
                ["reason"] = block.Reason.Reason,
            });
        }
        return tips;
    }

    private static int ForkHeight(NodeHost node, Hash256 hash, int height)
    {
        while (node.Chain.GetBlockHash(height) != hash)
        {
            hash = node.Chain.GetHeader(hash)!.PrevBlock;
            height--;
        }
        return height;
    }

    /// <summary>A verbosity 0..2 given as an integer or, as bitcoind allows, a boolean (false 0, true 1).</summary>
    public static int Verbosity(RpcParameters p, int index, string name, int fallback)
    {
        if (!p.Has(index)) return fallback;
        try
        {
            return p.Integer(index, name, 0, 2);
        }
        catch (RpcException e) when (e.Code == RpcErrorCode.TypeError)
        {
            return p.Boolean(index, name, fallback: true) ? 1 : 0;
        }
    }

    private static JsonObject BlockchainInfo(NodeHost node)
    {
        var parameters = node.Parameters;
        var tip = node.Chain.Tip;
        var models = new JsonArray();
        foreach (var entry in tip.Registry.Entries)
        {
            models.Add(new JsonObject
            {
                ["modelid"] = RpcJson.ByteOrderHex(entry.ModelId),
                ["name"] = entry.Name,
                ["status"] = entry.Status.ToString().ToLowerInvariant(),
                ["vocabsize"] = entry.Profile.VocabSize,
                ["precision"] = entry.Profile.Precision.ToString().ToLowerInvariant(),
                ["difficulty"] = entry.Difficulty,
                ["held"] = node.Models.Any(m => m.Id == entry.ModelId),
            });
        }
        return new JsonObject
        {
            ["chain"] = NetworkNames.Name(parameters.Network),
            ["blocks"] = tip.Height,
            ["headers"] = tip.Height, // no peers yet: the node knows no header beyond its own chain
            ["bestblockhash"] = tip.Hash.ToString(),
            ["bits"] = RpcJson.CompactHex(tip.Header.Bits),
            ["target"] = RpcJson.Uint256Hex(CompactBits.DecodeTarget(tip.Header.Bits) ?? 0),
            ["difficulty"] = RpcJson.Difficulty(tip.Header.Bits, parameters),
            ["time"] = tip.Header.Time,
            ["mediantime"] = node.Chain.GetMedianTimePast(tip.Hash),
            ["verificationprogress"] = 1,
            ["initialblockdownload"] = false,
            ["chainwork"] = RpcJson.Uint256Hex(tip.ChainWork),
            ["size_on_disk"] = SizeOnDisk(node.DataDirectory),
            ["pruned"] = false,
            ["warnings"] = new JsonArray(),
            ["powlimit"] = RpcJson.Uint256Hex(parameters.PowLimit),
            ["proofwindowsize"] = parameters.ProofWindowSize,
            ["modelnormaliser"] = parameters.ModelNormaliser,
            ["models"] = models,
        };
    }

    private static JsonObject MempoolInfo(NodeHost node)
    {
        var info = node.Mempool.Pool.GetInfo();
        return new JsonObject
        {
            ["loaded"] = true,
            ["size"] = info.Count,
            ["bytes"] = info.Bytes,
            ["usage"] = info.Bytes,
            ["total_fee"] = RpcJson.Amount(info.TotalFees),
            ["maxmempool"] = info.MaxBytes,
            ["mempoolminfee"] = RpcJson.Amount(info.MinimumFeeRate.PerKilobyte),
            ["minrelaytxfee"] = RpcJson.Amount(info.MinimumRelayFeeRate.PerKilobyte),
            ["incrementalrelayfee"] = RpcJson.Amount(MempoolPolicy.IncrementalRelayFeePerKilobyte),
            ["fullrbf"] = false,
        };
    }

    private static long SizeOnDisk(string dataDirectory) =>
        new DirectoryInfo(dataDirectory).EnumerateFiles(ChainDatabase.FileName + "*").Sum(f => f.Length);

    private static JsonObject BlockObject(NodeHost node, Block block, bool decodeTransactions)
    {
        var parameters = node.Parameters;
        var header = block.Header;
        var hash = header.Hash;
        var chain = node.Chain;
        int height = BlockLookup.HeightOf(block, parameters);
        bool active = BlockLookup.IsActive(chain, hash, height);
        int tipHeight = chain.Tip.Height;

        var transactions = new JsonArray();
        foreach (var tx in block.Transactions)
            transactions.Add(decodeTransactions ? WithHex(RpcJson.Transaction(tx, parameters), tx.Serialize()) : JsonValue.Create(tx.Txid.ToString()));

        var result = new JsonObject
        {
            ["hash"] = hash.ToString(),
            ["confirmations"] = active ? tipHeight - height + 1 : -1,
            ["size"] = block.Serialize().Length,
            ["txsize"] = block.TransactionBytes,
            ["height"] = height,
            ["version"] = header.Version,
            ["versionHex"] = ((uint)header.Version).ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            ["merkleroot"] = header.MerkleRoot.ToString(),
            ["tx"] = transactions,
            ["time"] = header.Time,
            ["mediantime"] = chain.GetMedianTimePast(hash),
            ["nonce"] = header.Nonce,
            ["bits"] = RpcJson.CompactHex(header.Bits),
            ["adjbits"] = RpcJson.CompactHex(header.AdjBits),
            ["target"] = RpcJson.Uint256Hex(CompactBits.DecodeTarget(header.AdjBits) ?? 0),
            ["difficulty"] = RpcJson.Difficulty(header.Bits, parameters),
            ["chainwork"] = RpcJson.Uint256Hex(BlockLookup.ChainWorkOf(chain, hash, height)),
            ["nTx"] = block.Transactions.Count,
            ["modelid"] = RpcJson.ByteOrderHex(header.ModelId),
            ["model"] = ModelName(chain, header),
            ["proofcommitment"] = RpcJson.ByteOrderHex(header.ProofCommitment),
            ["proofbytes"] = block.Proof.Length,
            ["proof"] = ProofSummary(block),
            ["vdfoutput"] = RpcJson.ByteOrderHex(header.VdfOutput),
            ["vdfticks"] = header.VdfTicks,
            ["vdfproof"] = Convert.ToHexStringLower(block.VdfProof),
        };
        if (height > 0) result["previousblockhash"] = header.PrevBlock.ToString();
        if (active && height < tipHeight) result["nextblockhash"] = chain.GetBlockHash(height + 1)?.ToString();
        return result;
    }

    private static JsonObject WithHex(JsonObject transaction, byte[] serialized)
    {
        transaction["hex"] = Convert.ToHexStringLower(serialized);
        return transaction;
    }

    /// <summary>The transcript's shape (genesis has no proof: null). A stored block's proof passed tier 1, so it decodes.</summary>
    private static JsonObject? ProofSummary(Block block)
    {
        if (block.Proof.Length == 0) return null;
        var transcript = TranscriptCodec.Decode(block.Proof);
        var h = transcript.Header;
        return new JsonObject
        {
            ["windows"] = transcript.Steps.Count / h.WindowSize,
            ["windowsize"] = h.WindowSize,
            ["tokens"] = transcript.Steps.Count,
            ["prompttokens"] = h.Prompt.Length,
            ["evidence"] = h.EvidenceCount,
            ["precision"] = h.Precision.ToString().ToLowerInvariant(),
            ["tick"] = h.Binding.VdfTick,
        };
    }
}
