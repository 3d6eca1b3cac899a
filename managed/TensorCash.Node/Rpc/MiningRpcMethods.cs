using System.Text.Json.Nodes;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Serialization;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Proof;
using TensorCash.Proof.Verification;

namespace TensorCash.Node.Rpc;

/// <summary>
/// Mining: getmininginfo, submitblock and generatetoaddress as in bitcoind; getinferencetemplate (TensorCash's
/// getblocktemplate: everything an external miner needs to generate under the block's binding) and verifyblockproof.
/// </summary>
public static class MiningRpcMethods
{
    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        long templateCounter = 0;

        rpc.Register("getmininginfo", "getmininginfo",
            "Mining state: height, the next block's targets on the model it would be mined on (the next of the node's mining " +
            "models that is active), its nVersion (the support signals), whether the node mines, blocks mined since start.",
            _ => MiningInfo(node));

        rpc.Register("submitblock", "submitblock \"hexdata\"",
            "Validates a serialized block (header, transactions, proof) and stores it. Returns null when it became the tip, " +
            "\"inconclusive\" when stored on a side chain, otherwise the rejection reason (\"duplicate\", \"prev-blk-not-found\", \"bad-proof-binding\", ...); " +
            "\"proof-unverified\" when the node does not hold the block's model (not stored, not marked invalid).",
            p =>
            {
                var block = DecodeBlock(p, 0, "hexdata", "submitblock");
                var result = node.Chain.AcceptBlock(block, NodeHost.Now());
                return result.Status switch
                {
                    BlockAcceptStatus.ActiveChain => null,
                    BlockAcceptStatus.SideChain => "inconclusive",
                    _ => result.Violation?.Reason ?? "rejected",
                };
            });

        rpc.Register("getinferencetemplate", "getinferencetemplate ( \"address\" \"modelid\" )",
            "A block template for external miners: the next block's transactions with a coinbase paying address (default: " +
            "the node's mining address), its targets for model modelid, which must be active after the tip (default: the next " +
            "of the node's mining models that is), the version carrying the node's support signals for pending models, and the proof " +
            "binding: the 148-byte header prefix, B = SHA-256d(prefix), v (the VDF output on the tip) and T (the VDF's squarings), " +
            "with vdfproof, the VDF evidence (y || pi) the block carries after its header. Generate with that binding; a window " +
            "whose header prefix||commitment||nonce hashes at or below target wins, and the block is that header, the VDF " +
            "evidence, the transactions and the transcript ending at that window.",
            p =>
            {
                byte[] script = p.Has(0) ? AddressScript(p.String(0, "address"), node.Parameters, "getinferencetemplate") : node.CoinbaseScript;
                var registry = node.Chain.Tip.Registry;
                var modelId = p.Has(1) ? ModelId(p.String(1, "modelid"), registry)
                    : node.MiningModels.Peek(registry)?.Id
                        ?? throw new RpcException(RpcErrorCode.MiscError, "getinferencetemplate: none of the node's mining models is active; name an active model (modelid)");
                return Template(node, script, modelId, (ulong)Interlocked.Increment(ref templateCounter));
            });

        rpc.Register("verifyblockproof", "verifyblockproof \"block\"",
            "Checks a block's proof of inference only (not its header or transactions): tier 1 always, tier 2 (an exact " +
            "replay) when the node holds the block's model. block is the hash of a stored block or a serialized block " +
            "as hex whose parent is stored. Returns {valid, height, tier1: {ok, ms, reason}, tier2: {ran, ok, ms, reason}}.",
            p => VerifyBlockProof(node, p));

        rpc.Register("submitfraudproof", "submitfraudproof \"hexdata\"",
            "Submits a fraud proof: an encoded replay challenge (version 3) showing that one step of a stored block's proof does " +
            "not replay. It must be in exact mode and bound by hashes to the block's header commitment; the node replays the " +
            "disputed step on its own copy of the model. If confirmed, the block and its descendants are marked invalid " +
            "(bad-proof-replay) and the node re-organises to the best valid chain. Returns {hash, height, confirmed, reason, " +
            "message, tip, tipheight}; an unbound or refuted proof is an error (-26), an unknown commitment -5.",
            p => SubmitFraudProof(node, p));

        rpc.Register("getfraudproof", "getfraudproof \"blockhash\"",
            "Returns the fraud proof this node built when block blockhash failed its exact replay here: {hash, fraudproof (hex, " +
            "an encoded replay challenge version 3), bytes}. Give it to a node that accepted the block with --replay-positions " +
            "(submitfraudproof) so that it invalidates the block. -5 when this node holds no fraud proof for the block (it never " +
            "failed here, it failed before the replay, or it is older than the last " + BlockProofVerifier.MaxKeptFraudProofs + " proofs).",
            p =>
            {
                var hash = p.Hash(0, "blockhash");
                var proof = node.Verifier.GetFraudProof(hash)
                    ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"getfraudproof: this node holds no fraud proof for block {hash}");
                return new JsonObject { ["hash"] = hash.ToString(), ["fraudproof"] = Convert.ToHexStringLower(proof), ["bytes"] = proof.Length };
            });

        rpc.Register("generatetoaddress", "generatetoaddress nblocks \"address\"",
            "Regtest only: mines nblocks blocks now, each on the next of the node's mining models that is active, paying address. Returns their hashes.",
            p =>
            {
                if (node.Parameters.Network != Network.Regtest)
                    throw new RpcException(RpcErrorCode.MiscError, $"generatetoaddress: only on regtest (this node runs {NetworkNames.Name(node.Parameters.Network)}); mine with `tensorcash node --mine`");
                int count = p.Integer(0, "nblocks", 0, MaxGenerateBlocks);
                byte[] script = AddressScript(p.String(1, "address"), node.Parameters, "generatetoaddress");
                IReadOnlyList<MinedBlock> mined;
                try
                {
                    mined = node.Generate(count, script);
                }
                catch (InvalidOperationException e)
                {
                    throw new RpcException(RpcErrorCode.MiscError, $"generatetoaddress: {e.Message}");
                }
                catch (OperationCanceledException)
                {
                    throw new RpcException(RpcErrorCode.MiscError, "generatetoaddress: the node is shutting down");
                }
                return new JsonArray(mined.Select(m => (JsonNode?)m.Hash.ToString()).ToArray());
            });
    }

    /// <summary>DoS bound on one generatetoaddress call (each block is a real proof run).</summary>
    public const int MaxGenerateBlocks = 1000;

    public static byte[] AddressScript(string address, ChainParams parameters, string method) =>
        PaymentAddress.TryGetScript(address, parameters, out var script, out string error)
            ? script
            : throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"{method}: Invalid address: {error}");

    private static Hash256 ModelId(string text, ModelRegistry registry)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new RpcException(RpcErrorCode.InvalidParameter, $"getinferencetemplate: modelid must be 64 hex digits (got '{text}')");
        }
        if (bytes.Length != Hash256.Size)
            throw new RpcException(RpcErrorCode.InvalidParameter, $"getinferencetemplate: modelid must be 64 hex digits (got {text.Length})");
        var id = new Hash256(bytes);
        if (registry.CheckModel(id) is { } inactive)
            throw new RpcException(RpcErrorCode.InvalidParameter, $"getinferencetemplate: {inactive.Reason}: {inactive.Message}");
        return id;
    }

    private static Block DecodeBlock(RpcParameters p, int index, string name, string method)
    {
        byte[] bytes = p.HexBytes(index, name, RpcErrorCode.DeserializationError);
        try
        {
            return Block.Deserialize(bytes);
        }
        catch (ChainFormatException e)
        {
            throw new RpcException(RpcErrorCode.DeserializationError, $"{method}: Block decode failed: {e.Message}");
        }
    }

    private static JsonObject MiningInfo(NodeHost node)
    {
        var parameters = node.Parameters;
        var tip = node.Chain.Tip;
        long mtp = node.Chain.GetMedianTimePast(tip.Hash) ?? tip.Header.Time;
        uint nextBits = TargetCalculator.NextBits(new HeaderContext(tip.Height + 1, tip.Header, mtp, NodeHost.Now()), parameters);
        var registry = tip.Registry;
        // The model the next block would be mined on; when none of the node's models is active, its first one (no targets).
        var model = node.MiningModels.Peek(registry) ?? node.MiningModel;
        var registered = registry.ActiveModel(model.Id);
        uint? nextAdjBits = registered is null ? null : TargetCalculator.AdjustedBits(nextBits, registered.Difficulty, parameters);
        var warnings = new JsonArray();
        if (registered is null) warnings.Add($"none of the node's mining models is active after height {tip.Height}: it cannot mine");
        return new JsonObject
        {
            ["blocks"] = tip.Height,
            ["difficulty"] = RpcJson.Difficulty(nextBits, parameters),
            ["bits"] = RpcJson.CompactHex(nextBits),
            ["adjbits"] = nextAdjBits is { } adj ? RpcJson.CompactHex(adj) : null,
            ["target"] = nextAdjBits is { } bits ? RpcJson.Uint256Hex(CompactBits.DecodeTarget(bits)!.Value) : null,
            ["version"] = CandidateHeader.Version(node.Support.SlotsFor(registry)),
            ["chain"] = NetworkNames.Name(parameters.Network),
            ["mining"] = node.IsMining,
            ["modelid"] = RpcJson.ByteOrderHex(model.Id),
            ["model"] = registry.Find(model.Id)?.Name,
            ["blocksmined"] = node.BlocksMined,
            ["warnings"] = warnings,
        };
    }

    private static JsonObject Template(NodeHost node, byte[] coinbaseScript, Hash256 modelId, ulong extraNonce)
    {
        var parameters = node.Parameters;
        var tip = node.Chain.Tip;
        int height = tip.Height + 1;
        long mtp = node.Chain.GetMedianTimePast(tip.Hash) ?? tip.Header.Time;
        var content = node.BuildContent(height, mtp, coinbaseScript, extraNonce);
        var root = MerkleTree.BlockRoot(content.Transactions, out _);
        var registry = tip.Registry;
        var candidate = CandidateHeader.Create(parameters, registry, tip.Header, height, mtp, NodeHost.Now(), modelId, root, content.Transactions,
            node.Support.SlotsFor(registry));
        var header = candidate.Header;
        var registered = registry.ActiveModel(modelId)!;

        var transactions = new JsonArray();
        for (int i = 1; i < content.Transactions.Count; i++)
        {
            var tx = content.Transactions[i];
            transactions.Add(new JsonObject
            {
                ["data"] = Convert.ToHexStringLower(tx.Serialize()),
                ["txid"] = tx.Txid.ToString(),
                ["fee"] = content.Fees[i - 1],
            });
        }
        var coinbase = content.Coinbase;
        return new JsonObject
        {
            ["version"] = header.Version,
            ["previousblockhash"] = tip.Hash.ToString(),
            ["height"] = height,
            ["curtime"] = header.Time,
            ["mintime"] = mtp + 1,
            ["bits"] = RpcJson.CompactHex(header.Bits),
            ["adjbits"] = RpcJson.CompactHex(header.AdjBits),
            ["target"] = RpcJson.Uint256Hex(candidate.Target),
            ["modelid"] = RpcJson.ByteOrderHex(modelId),
            ["model"] = registered.Name,
            ["vocabsize"] = registered.VocabSize,
            ["precision"] = registered.Precision.ToString().ToLowerInvariant(),
            ["windowsize"] = registered.Profile.WindowSize,
            ["merkleroot"] = root.ToString(),
            ["coinbasevalue"] = coinbase.Outputs.Sum(o => o.Value),
            ["coinbasetxn"] = new JsonObject
            {
                ["data"] = Convert.ToHexStringLower(coinbase.Serialize()),
                ["txid"] = coinbase.Txid.ToString(),
            },
            ["transactions"] = transactions,
            ["sizelimit"] = parameters.MaxBlockBytes,
            ["sigoplimit"] = parameters.MaxBlockSigOps,
            ["proofsizelimit"] = TensorCash.Proof.Transcript.TranscriptCodec.MaxEncodedBytes(registered.Profile, Hash256.Size),
            ["binding"] = new JsonObject
            {
                ["prefix"] = Convert.ToHexStringLower(header.Serialize().AsSpan(0, BlockHeader.PrefixSize)),
                ["b"] = RpcJson.ByteOrderHex(header.ProofBinding),
                ["v"] = Convert.ToHexStringLower(header.VdfOutput.ToArray()),
                ["t"] = header.VdfTicks,
            },
            ["vdfproof"] = Convert.ToHexStringLower(candidate.VdfProof),
        };
    }

    private static JsonObject VerifyBlockProof(NodeHost node, RpcParameters p)
    {
        string text = p.String(0, "block");
        Block block;
        int height;
        if (text.Length == 2 * Hash256.Size)
        {
            block = BlockLookup.Require(node.Chain, p.Hash(0, "block"), "verifyblockproof");
            height = BlockLookup.HeightOf(block, node.Parameters);
        }
        else
        {
            block = DecodeBlock(p, 0, "block", "verifyblockproof");
            var parent = node.Chain.GetBlock(block.Header.PrevBlock)
                ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey,
                    $"verifyblockproof: the block's parent {block.Header.PrevBlock} is not stored, so its height (the proof's T) is unknown; submit the parent first");
            height = BlockLookup.HeightOf(parent, node.Parameters) + 1;
        }
        if (height == 0)
            throw new RpcException(RpcErrorCode.InvalidParameter, "verifyblockproof: the genesis block has no proof");

        // The profile is the one the registry after the parent pins for the block's model (whatever its status there:
        // this checks the proof, not whether the header may run the model).
        var registry = node.Chain.GetRegistry(block.Header.PrevBlock)
            ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"verifyblockproof: the block's parent {block.Header.PrevBlock} is not stored");
        if (registry.Find(block.Header.ModelId) is not { } entry)
            throw new RpcException(RpcErrorCode.VerifyRejected,
                $"verifyblockproof: bad-model: model {RpcJson.ByteOrderHex(block.Header.ModelId)} is not in the registry at height {height - 1}, so the block's proof has no pinned profile");
        var check = node.Verifier.Check(block, height, entry.ToRegisteredModel());
        bool tier1Ok = check.Violation is null || check.Replayed || check.Unverified;
        var tier2 = new JsonObject { ["ran"] = check.Replayed };
        if (check.Replayed)
        {
            tier2["ok"] = check.Violation is null;
            tier2["ms"] = Milliseconds(check.Tier2);
            tier2["reason"] = check.Violation?.Reason;
            tier2["message"] = check.Violation?.Message;
        }
        else
        {
            tier2["ok"] = null;
            tier2["reason"] = tier1Ok ? (check.Unverified ? "model-not-held" : null) : "tier1-failed";
        }
        return new JsonObject
        {
            ["hash"] = block.Header.Hash.ToString(),
            ["height"] = height,
            ["valid"] = check.Violation is null,
            ["tier1"] = new JsonObject
            {
                ["ok"] = tier1Ok,
                ["ms"] = Milliseconds(check.Tier1),
                ["reason"] = tier1Ok ? null : check.Violation!.Reason,
                ["message"] = tier1Ok ? null : check.Violation!.Message,
            },
            ["tier2"] = tier2,
        };
    }

    private static JsonObject SubmitFraudProof(NodeHost node, RpcParameters p)
    {
        byte[] bytes = p.HexBytes(0, "hexdata", RpcErrorCode.DeserializationError);
        Proving.Replay.ReplayChallenge challenge;
        try
        {
            challenge = Proving.Replay.ReplayChallengeCodec.Decode(bytes);
        }
        catch (Proving.Replay.ReplayChallengeFormatException e)
        {
            throw new RpcException(RpcErrorCode.DeserializationError, $"submitfraudproof: fraud proof decode failed: {e.Message}");
        }
        var commitment = new Hash256(challenge.ProofCommitment);
        var blocks = node.Chain.FindByProofCommitment(commitment);
        if (blocks.Count == 0)
            throw new RpcException(RpcErrorCode.InvalidAddressOrKey,
                $"submitfraudproof: no stored block has proof commitment {RpcJson.ByteOrderHex(commitment)}: the proof is not bound to a block this node knows");
        // One header fixes its commitment and the commitment fixes B (the header prefix), so in practice there is one block.
        var (hash, height, header) = blocks[0];
        Proving.Replay.ChallengeVerdict verdict;
        try
        {
            var registered = node.Chain.GetRegistry(header.PrevBlock)?.Find(header.ModelId)?.ToRegisteredModel();
            verdict = node.Verifier.CheckFraudProof(challenge, header, height, registered); // a one-step replay, outside the chainstate lock
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(RpcErrorCode.MiscError, $"submitfraudproof: {e.Message}");
        }
        if (!verdict.Confirmed)
            throw new RpcException(RpcErrorCode.VerifyRejected, $"submitfraudproof: block {hash}: {verdict.Message}");
        var violation = new RuleViolation("bad-proof-replay",
            $"block {hash} at height {height}: fraud proof confirmed at step {challenge.Step} ({challenge.Reason.Code()}): {verdict.Message}");
        node.Chain.InvalidateBlock(hash, violation);
        var tip = node.Chain.Tip;
        return new JsonObject
        {
            ["hash"] = hash.ToString(),
            ["height"] = height,
            ["confirmed"] = true,
            ["step"] = challenge.Step,
            ["reason"] = violation.Reason,
            ["message"] = violation.Message,
            ["tip"] = tip.Hash.ToString(),
            ["tipheight"] = tip.Height,
        };
    }

    /// <summary>Wall time in milliseconds, to the microsecond (a measurement, not a consensus value).</summary>
    private static double Milliseconds(TimeSpan elapsed) => Math.Round(elapsed.TotalMilliseconds, 3);
}
