using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Registry;

/// <summary>
/// Finds a block's registry operations and applies the stateless rules (docs/protocol/registry.md §2, §4): per
/// transaction, in order, "bad-reg-coinbase" (a coinbase carries a registry output), "bad-reg-multiple" (two registry
/// outputs in one transaction, of either tag), "bad-reg-encoding" / "bad-challenge-encoding" (the script or payload),
/// the payload rules of <see cref="RegistrationRules"/>, "bad-reg-deposit"; and per block "bad-challenge-count".
/// Cost: one pass over the outputs, plus per registration output a decode and <see cref="RegistrationRules.Check"/>,
/// per challenge a decode (a challenge's proof is checked against the registry in <see cref="RegistryRules"/>).
/// </summary>
public static partial class RegistryActions
{
    /// <summary>OP_RETURN outputs and over-long scripts can never be spent (the ledger keeps neither), so neither can be a deposit.</summary>
    private const int MaxSpendableScriptBytes = 10_000;

    /// <summary>The block's actions in transaction order, or the first violation (and no actions).</summary>
    public static (IReadOnlyList<RegistryAction> Actions, RuleViolation? Violation) Extract(Block block, ChainParams parameters)
    {
        var actions = new List<RegistryAction>();
        int challenges = 0;
        foreach (var tx in block.Transactions)
        {
            var (action, violation) = ExtractFromTransaction(tx, parameters);
            if (violation is not null) return ([], violation with { Message = $"block {block.Header.Hash}: {violation.Message}" });
            if (action is null) continue;
            if (action is ChallengeAction && ++challenges > parameters.Registry.MaxChallengesPerBlock)
                return ([], new(RegistryReasons.ChallengeCount, $"block {block.Header.Hash} carries more than {parameters.Registry.MaxChallengesPerBlock} challenges"));
            actions.Add(action);
        }
        return (actions, null);
    }

    /// <summary>
    /// The registry operation of one transaction (null if it has no registry output), or why it is invalid. The
    /// mempool runs this on every transaction; a block runs it through <see cref="Extract"/>.
    /// </summary>
    public static (RegistryAction? Action, RuleViolation? Violation) ExtractFromTransaction(Transaction tx, ChainParams parameters)
    {
        int found = -1;
        for (int o = 0; o < tx.Outputs.Count; o++)
        {
            if (RegistryScripts.Classify(tx.Outputs[o].ScriptPubKey) == RegistryOutputKind.None) continue;
            if (tx.IsCoinbase) return (null, new(RegistryReasons.RegCoinbase, $"coinbase {tx.Txid} output {o} is a registry output"));
            if (found >= 0) return (null, new(RegistryReasons.RegMultiple, $"transaction {tx.Txid} has registry outputs {found} and {o}; at most one is allowed"));
            found = o;
        }
        if (found < 0) return (null, null);

        byte[] script = tx.Outputs[found].ScriptPubKey;
        var kind = RegistryScripts.Classify(script);
        string encodingReason = kind == RegistryOutputKind.Registration ? RegistryReasons.RegEncoding : RegistryReasons.ChallengeEncoding;
        if (!RegistryScripts.TryGetPayload(script, out byte[] payload))
            return (null, new(encodingReason, $"transaction {tx.Txid} output {found}: the payload is not one minimal push ending the script"));
        string where = $"transaction {tx.Txid} output {found}";

        if (kind == RegistryOutputKind.Challenge)
        {
            try
            {
                return (new ChallengeAction(tx.Txid, ModelFraudProof.Decode(payload)), null);
            }
            catch (RegistryFormatException e)
            {
                return (null, e.ToViolation(where));
            }
        }

        ModelRegistration registration;
        try
        {
            registration = ModelRegistration.Decode(payload);
        }
        catch (RegistryFormatException e)
        {
            return (null, e.ToViolation(where));
        }
        if (RegistrationRules.Check(registration, parameters) is { } invalid)
            return (null, invalid with { Message = $"{where}: {invalid.Message}" });

        var deposit = tx.Outputs[0];
        if (found == 0 || IsUnspendable(deposit.ScriptPubKey))
            return (null, new(RegistryReasons.RegDeposit, $"registration {tx.Txid}: output 0, the deposit, is unspendable"));
        if (deposit.Value < parameters.Registry.MinimumDeposit)
            return (null, new(RegistryReasons.RegDeposit, $"registration {tx.Txid}: the deposit is {deposit.Value}; at least {parameters.Registry.MinimumDeposit}"));
        return (new RegistrationAction(tx.Txid, registration, deposit.Value), null);
    }

    private static bool IsUnspendable(byte[] scriptPubKey) =>
        (scriptPubKey.Length > 0 && scriptPubKey[0] == (byte)Script.Opcode.OP_RETURN) || scriptPubKey.Length > MaxSpendableScriptBytes;
}
