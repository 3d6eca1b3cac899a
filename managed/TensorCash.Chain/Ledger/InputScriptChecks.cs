using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>One input's script check, deferred until every input of the block has been looked up.</summary>
public readonly record struct InputScriptCheck(Transaction Tx, int InputIndex, TxOut Spent);

/// <summary>
/// Runs a block's script checks on every core (the role of Bitcoin Core's CCheckQueue). Nearly all of a block's ledger
/// time is ECDSA (bench/results/chain-validation.md), and each input's check is a pure function of the transaction and
/// the coin it spends, so the checks are independent. The verdict is deterministic whatever the scheduling: the
/// failure reported is the one of the earliest failing input in block order.
/// </summary>
public static class InputScriptChecks
{
    /// <summary>Below this many inputs the checks run on the calling thread: scheduling would cost more than it saves.</summary>
    public const int MinInputsForParallelChecks = 8;

    /// <summary>The violation of the earliest failing check, or null when every input may spend its coin.</summary>
    public static RuleViolation? FirstFailure(IReadOnlyList<InputScriptCheck> checks, SignatureCache? signatures = null)
    {
        if (checks.Count < MinInputsForParallelChecks)
        {
            foreach (var check in checks)
                if (Run(check, signatures) is { } violation) return violation;
            return null;
        }

        var violations = new RuleViolation?[checks.Count];
        // Break (unlike Stop) still runs every iteration below the breaking one, so LowestBreakIteration is exactly the
        // earliest failing input, and iterations above it may be skipped.
        var result = Parallel.For(0, checks.Count, (i, state) =>
        {
            if (Run(checks[i], signatures) is { } violation)
            {
                violations[i] = violation;
                state.Break();
            }
        });
        return result.LowestBreakIteration is long first ? violations[first] : null;
    }

    private static RuleViolation? Run(InputScriptCheck check, SignatureCache? signatures) =>
        ScriptVerifier.VerifyInput(check.Tx, check.InputIndex, check.Spent, signatures) is { } violation
            ? violation with { Message = $"transaction {check.Tx.Txid} input {check.InputIndex}: {violation.Message}" }
            : null;
}
