using System.Text.Json.Nodes;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Node.Registry;
using TensorCash.Proving.Audit;

namespace TensorCash.Node.Rpc;

/// <summary>
/// The model registry's RPCs (docs/protocol/registry.md): listmodels, getmodelinfo, registermodel, challengemodel.
/// Models are named by id (64 hex digits, byte order as `tensorcash model` prints it) or registered name. Everything
/// is read from the registry after the tip; a model this node holds also shows its weight audit.
/// </summary>
public static class RegistryRpcMethods
{
    /// <summary>What a challenge transaction pays back to the wallet (it needs one spendable output; any above dust will do).</summary>
    public const long ChallengeSelfPayment = 10_000;

    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("listmodels", "listmodels",
            "Every model of the registry after the tip: modelid, name, status (pending, lockedin, active, expired, deactivated), " +
            "reason, difficulty (D_m), cost (FLOP-equivalents per proof window), signal slot and this period's support, heights, the " +
            "deposit and whether this node holds the model.",
            _ => new JsonArray(node.Chain.Registry.Entries.Select(e => (JsonNode)Entry(e, node)).ToArray()));

        rpc.Register("getmodelinfo", "getmodelinfo \"model\"",
            "One model by id or name: what listmodels shows, plus its registration (repository, commit, descriptor, weight dtype, " +
            "tensor root, tokenizer hash, pinned profile) and, when this node holds it, the weight audit report. -5 unknown model.",
            p =>
            {
                var entry = Resolve(node, p.String(0, "model"));
                var json = Entry(entry, node);
                if (entry.Registration is { } r)
                {
                    var d = r.Descriptor;
                    json["registration"] = new JsonObject
                    {
                        ["repository"] = r.Repository,
                        ["commit"] = Convert.ToHexStringLower(r.Commit),
                        ["weightdtype"] = WeightDTypes.Name(r.WeightDType),
                        ["tensorroot"] = RpcJson.ByteOrderHex(r.TensorRoot),
                        ["tokenizerhash"] = RpcJson.ByteOrderHex(r.TokenizerHash),
                        ["descriptor"] = new JsonObject
                        {
                            ["architecture"] = d.Architecture switch { 0 => "llama", 1 => "mistral", _ => "qwen2" },
                            ["layers"] = d.LayerCount, ["dim"] = d.ModelDim, ["heads"] = d.HeadCount, ["kvheads"] = d.KvHeadCount,
                            ["headdim"] = d.HeadDim, ["ffndim"] = d.FeedForwardDim, ["vocab"] = d.VocabSize, ["maxsequence"] = d.MaxSequenceLength,
                            ["tied"] = d.TiedEmbeddings, ["attentionbias"] = d.AttentionBias, ["matrixparameters"] = d.MatrixParameterCount,
                        },
                    };
                }
                json["profile"] = new JsonObject
                {
                    ["windowsize"] = entry.Profile.WindowSize,
                    ["evidence"] = entry.Profile.EvidenceCount,
                    ["saltTokens"] = entry.Profile.SaltTokens,
                    ["maxprompttokens"] = entry.Profile.MaxPromptTokens,
                    ["vocabsize"] = entry.Profile.VocabSize,
                    ["precision"] = entry.Profile.Precision.ToString().ToLowerInvariant(),
                    ["temperature_q16"] = entry.Profile.Decode.TemperatureQ16,
                    ["topk"] = entry.Profile.Decode.TopK,
                    ["topp_q32"] = entry.Profile.Decode.TopPQ32,
                    ["ceiling_q32"] = entry.Profile.CeilingQ32,
                };
                json["normaliser"] = node.Parameters.ModelNormaliser;
                json["referencecost"] = node.Parameters.Registry.ReferenceCost;
                if (Held(node, entry.ModelId) is { } held) json["audit"] = Audit(HeldModelAudits.For(held));
                return json;
            });

        rpc.Register("registermodel", "registermodel \"model\" ( deposit \"name\" \"repository\" \"commit\" )",
            "Registers a model this node holds (as loaded with --model: its spec, id or name) from the wallet: output 0 pays the " +
            "deposit (coins; default the network's minimum) to a new wallet address, released when the model expires or its " +
            "challenge period ends; the next output carries the registration (V2 commitment, the network's standard proof profile). " +
            "Returns {txid, modelid, deposit, difficulty, cost}. -5 not held, -8 invalid registration or deposit, -6 insufficient " +
            "funds, -26 the mempool refused it (for example bad-reg-duplicate).",
            p =>
            {
                var model = HeldBySpec(node, p.String(0, "model"));
                long minimum = node.Parameters.Registry.MinimumDeposit;
                long deposit = p.Has(1) ? p.Amount(1, "deposit") : minimum;
                if (deposit < minimum)
                    throw new RpcException(RpcErrorCode.InvalidParameter, $"registermodel: the deposit {AmountFormat.Format(deposit)} is below the network's minimum {AmountFormat.Format(minimum)}");
                ModelRegistration registration;
                try
                {
                    registration = RegistrationBuilder.Build(model, node.Parameters, p.OptionalString(2, "name"), p.OptionalString(3, "repository") ?? "",
                        p.OptionalString(4, "commit") is { } commit ? Hex(commit, "commit") : null);
                }
                catch (ArgumentException e)
                {
                    throw new RpcException(RpcErrorCode.InvalidParameter, $"registermodel: {e.Message}");
                }
                var payment = Send(node, "registermodel", node.Wallet.GetNewAddress("model deposit"), deposit, RegistryScripts.ForRegistration(registration));
                return new JsonObject
                {
                    ["txid"] = payment.Transaction.Txid.ToString(),
                    ["modelid"] = RpcJson.ByteOrderHex(registration.ModelId),
                    ["name"] = registration.Name,
                    ["deposit"] = RpcJson.Amount(deposit),
                    ["cost"] = ModelCost.CostUnits(registration.Descriptor, registration.WeightDType, registration.Profile),
                    ["difficulty"] = ModelCost.Difficulty(ModelCost.CostUnits(registration.Descriptor, registration.WeightDType, registration.Profile), node.Parameters),
                };
            });

        rpc.Register("challengemodel", "challengemodel \"model\"",
            "Challenges a registered model this node holds with a model-fraud proof built from its weight audit: a zero tensor " +
            "or two equal tensors of one role, each with its Merkle path to the registered tensor root (registry.md §4). In a " +
            "block, a valid challenge deactivates the model and forfeits a deposit still locked. Returns {txid, kind, tensors}. " +
            "-5 unknown or not held, -8 the audit finds nothing consensus can check, -26 the mempool refused it.",
            p =>
            {
                var entry = Resolve(node, p.String(0, "model"));
                var model = Held(node, entry.ModelId)
                    ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"challengemodel: this node does not hold {entry.Name}; load its weights with --model to build a proof");
                var report = HeldModelAudits.For(model);
                var proof = FraudProofBuilder.FromAudit(model.Identity, report)
                    ?? throw new RpcException(RpcErrorCode.InvalidParameter,
                        $"challengemodel: the audit of {entry.Name} finds nothing consensus can check (only zero and duplicated tensors are provable on chain); audit: {(report.Passed ? "passed" : string.Join("; ", report.Failures))}");
                var payment = Send(node, "challengemodel", node.Wallet.GetNewAddress("challenge"), ChallengeSelfPayment, RegistryScripts.ForChallenge(proof));
                var tensors = new JsonArray(proof.Tensor.Leaf.Role);
                if (proof.Other is { } other) tensors.Add(other.Leaf.Role);
                return new JsonObject
                {
                    ["txid"] = payment.Transaction.Txid.ToString(),
                    ["kind"] = proof.Kind.ToString(),
                    ["tensors"] = tensors,
                };
            });
    }

    private static WalletPayment Send(NodeHost node, string method, string address, long amount, byte[] dataScript)
    {
        try
        {
            return WalletRpcMethods.Wallet(() => node.Payments.Send(address, amount, node.Payments.DefaultFeeRate, [new TxOut(0, dataScript)]));
        }
        catch (MempoolRejectedException e)
        {
            throw new RpcException(RpcErrorCode.VerifyRejected, $"{method}: {e.Result.Rejection}");
        }
    }

    private static JsonObject Entry(RegistryEntry e, NodeHost node)
    {
        var registry = node.Chain.Registry;
        var parameters = node.Parameters.Registry;
        return new JsonObject
        {
            ["modelid"] = RpcJson.ByteOrderHex(e.ModelId),
            ["name"] = e.Name,
            ["status"] = e.Status.ToString().ToLowerInvariant(),
            ["reason"] = e.StatusReason,
            ["genesis"] = e.IsGenesis,
            ["difficulty"] = e.Difficulty,
            ["cost"] = e.Cost,
            ["registeredheight"] = e.RegisteredHeight,
            ["statusheight"] = e.StatusHeight,
            ["activationheight"] = e.ActivationHeight,
            ["lastblockheight"] = e.LastBlockHeight,
            ["signalslot"] = e.SignalSlot,
            ["support"] = e.SignalSlot is null ? null : new JsonObject
            {
                ["count"] = e.SignalCount,
                ["threshold"] = parameters.Threshold,
                ["period"] = parameters.SignalPeriod,
                ["windowends"] = e.RegisteredHeight + parameters.WindowBlocks,
            },
            ["deposit"] = e.DepositOutPoint is not { } outPoint ? null : new JsonObject
            {
                ["txid"] = outPoint.Txid.ToString(),
                ["vout"] = outPoint.Index,
                ["amount"] = RpcJson.Amount(e.DepositValue),
                ["state"] = e.DepositForfeited ? "forfeited" : e.IsDepositLocked(registry.Height + 1) ? "locked" : "released",
                ["releaseheight"] = e.DepositReleaseHeight,
            },
            ["held"] = Held(node, e.ModelId) is not null,
            ["supported"] = e.Status == ModelStatus.Pending && node.Support.Supports(e),
        };
    }

    private static JsonObject Audit(AuditReport report) => new()
    {
        ["passed"] = report.Passed,
        ["checks"] = new JsonArray(report.Checks.Select(c => (JsonNode)new JsonObject
        {
            ["check"] = c.Check.ToString(),
            ["status"] = c.Status.ToString().ToLowerInvariant(),
            ["summary"] = c.Summary,
        }).ToArray()),
        ["findings"] = new JsonArray(report.Findings.Select(f => (JsonNode)f.ToString()).ToArray()),
    };

    private static RegistryEntry Resolve(NodeHost node, string model)
    {
        var registry = node.Chain.Registry;
        if (model.Length == 64 && model.All(Uri.IsHexDigit) && registry.Find(new Hash256(Convert.FromHexString(model))) is { } byId) return byId;
        var named = registry.Entries.Where(e => e.Name == model).OrderByDescending(e => e.RegisteredHeight).ToList();
        return named.FirstOrDefault()
            ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"no model \"{model}\" in the registry (listmodels shows them)");
    }

    private static InferenceModel? Held(NodeHost node, Hash256 id) => node.Models.FirstOrDefault(m => m.Id == id);

    private static InferenceModel HeldBySpec(NodeHost node, string model) =>
        node.Models.FirstOrDefault(m => m.Spec == model || m.Identity.Hex.Equals(model, StringComparison.OrdinalIgnoreCase))
        ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey,
            $"this node does not hold \"{model}\" (it holds {string.Join(", ", node.Models.Select(m => m.Spec))}); start it with --model {model}");

    private static byte[] Hex(string text, string field)
    {
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new RpcException(RpcErrorCode.InvalidParameter, $"{field} \"{text}\" is not hex");
        }
    }
}
