using System.Globalization;
using System.Text;
using TensorCash.Chain.Consensus;

namespace TensorCash.ChainBench;

/// <summary>Formats one run's measurements as markdown tables.</summary>
public static class MarkdownReport
{
    public static string Format(ChainBenchOptions options, ChainParams parameters, BuiltChain chain, ValidationBench validation,
        InputCheckCost cost, IReadOnlyList<UtxoThroughput> utxo, string loadBefore, string loadAfter)
    {
        var v = validation;
        int spendBlocks = v.HasSpends.Count(h => h);
        var text = new StringBuilder();
        text.AppendLine("# Chain validation and UTXO throughput");
        text.AppendLine();
        text.AppendLine($"- chain: {v.Blocks} regtest blocks on builtin:tiny (window {parameters.ProofWindowSize}, evidence {RegtestChainBuilder.Evidence}, " +
                        $"{options.Threads} threads), {v.AllTransactions} transactions: {v.Spends} P2PKH spends with {v.Inputs} signed inputs " +
                        $"in the {spendBlocks} blocks after coinbase maturity (up to {options.TransactionsPerBlock} spends of 1-3 inputs and 2 outputs per block)");
        text.AppendLine($"- size: {F(v.Bytes / 1024.0 / v.Blocks)} KiB per block on average, of which the proof transcript {F(v.ProofBytes / 1024.0 / v.Blocks)} KiB");
        text.AppendLine($"- building (not timed below): mining {F(chain.Mining.TotalSeconds)} s ({chain.WindowsTried} windows), signing {F(chain.Signing.TotalSeconds)} s");
        text.AppendLine($"- load average (1, 5, 15 min) at start: {loadBefore}; at end: {loadAfter}");
        text.AppendLine();

        text.AppendLine("## Validation by phase");
        text.AppendLine();
        text.AppendLine("Every phase runs on each block in turn (the same block through all phases before the next), so load changes hit all alike.");
        text.AppendLine("Shares are of `ChainState.AcceptBlock` end to end, measured in the same run.");
        text.AppendLine();
        text.AppendLine("| phase | total s | blocks/s | median ms, all blocks | median ms, coinbase-only blocks | median ms, blocks with spends | share of end to end |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        double endToEnd = v.EndToEnd.TotalMilliseconds;
        void Row(PhaseTimings phase, string label)
        {
            text.AppendLine($"| {label} | {F(phase.TotalMilliseconds / 1000)} | {F(phase.PerSecond(v.Blocks))} | {F(phase.Median())} | " +
                            $"{F(phase.Median(i => !v.HasSpends[i]))} | {F(phase.Median(i => v.HasSpends[i]))} | {F(100 * phase.TotalMilliseconds / endToEnd)} % |");
        }
        Row(v.Deserialize, "deserialize (Block.Deserialize)");
        Row(v.Tier1, "tier 1 (BlockProofRules.Check: decode, draws, commitments)");
        Row(v.Tier2, "tier 2 (BlockProofVerifier: exact teacher-forced replay)");
        Row(v.Ledger, "**ledger rules, pure** (MemoryCoinView mirror)");
        Row(v.Header, "&nbsp;&nbsp;header rules (HeaderRules.Check)");
        Row(v.CheckBlock, "&nbsp;&nbsp;CheckBlock");
        Row(v.Contextual, "&nbsp;&nbsp;ContextualCheckBlock");
        Row(v.Connect, "&nbsp;&nbsp;BlockConnector.Connect (inputs, scripts, signatures)");
        Row(v.Scripts, "&nbsp;&nbsp;&nbsp;&nbsp;of which script checks (ScriptVerifier.VerifyInput, re-run alone)");
        Row(v.MemoryApply, "MemoryCoinView.Apply (in-memory UTXO write)");
        Row(v.EndToEnd, "**ChainState.AcceptBlock, end to end** (fresh SQLite datadir)");
        Row(v.HookTier1, "&nbsp;&nbsp;tier 1 inside AcceptBlock");
        Row(v.HookTier2, "&nbsp;&nbsp;tier 2 inside AcceptBlock");
        Row(v.AcceptLedgerAndStorage, "&nbsp;&nbsp;ledger + SQLite inside AcceptBlock (end to end - proof)");
        Row(v.StorageEstimate, "&nbsp;&nbsp;&nbsp;&nbsp;of which beyond the pure ledger (SQLite lookups, writes, commit, block read-back)");
        text.AppendLine();

        text.AppendLine("| ledger throughput | transactions/s (spends) | inputs/s |");
        text.AppendLine("| --- | ---: | ---: |");
        void Rate(string label, PhaseTimings phase) =>
            text.AppendLine($"| {label} | {F(phase.PerSecond(v.Spends))} | {F(phase.PerSecond(v.Inputs))} |");
        Rate("ledger rules, pure", v.Ledger);
        Rate("Connect alone", v.Connect);
        Rate("script checks alone", v.Scripts);
        Rate("ledger + SQLite inside AcceptBlock", v.AcceptLedgerAndStorage);
        Rate("AcceptBlock end to end (with proof)", v.EndToEnd);
        text.AppendLine();
        text.AppendLine($"Per input, script check: {F(v.Scripts.TotalMilliseconds / Math.Max(1, v.Inputs))} ms (legacy sighash, interpreter, ECDSA).");
        text.AppendLine();
        text.AppendLine("| one P2PKH input, median of single calls on the same input | ms |");
        text.AppendLine("| --- | ---: |");
        text.AppendLine($"| ScriptVerifier.VerifyInput (whole script check) | {F(cost.ScriptCheck)} |");
        text.AppendLine($"| &nbsp;&nbsp;LegacySignatureHash.Compute | {F(cost.SignatureHash)} |");
        text.AppendLine($"| &nbsp;&nbsp;Hash160 of the public key (OP_HASH160) | {F(cost.KeyHash)} |");
        text.AppendLine($"| &nbsp;&nbsp;Secp256k1Keys.Verify (OP_CHECKSIG, NBitcoin.Secp256k1) | {F(cost.Verify)} |");
        text.AppendLine($"| previous OpenSSL verification (bench-only reference, for comparison) | {F(cost.OpenSslVerify)} |");
        text.AppendLine($"| Secp256k1Keys.Sign (for comparison) | {F(cost.Sign)} |");
        text.AppendLine();

        text.AppendLine("## UTXO-set throughput");
        text.AppendLine();
        text.AppendLine($"{utxo[0].Coins:N0} P2PKH coins. A batch is one `MemoryCoinView.Apply`, or one SQLite transaction " +
                        "(`ChainWriteBatch.ApplyCoinChanges` + `Commit`). Block-like batches remove half a batch of old coins and add half a batch of new ones.");
        text.AppendLine();
        text.AppendLine("| store | batch | adds/s | removes/s | block-like coins/s | lookups/s (present) | lookups/s (absent) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in utxo)
            text.AppendLine($"| {row.Store} | {row.Batch:N0} | {F(row.AddsPerSecond)} | {F(row.RemovesPerSecond)} | {F(row.MixedPerSecond)} | " +
                            $"{F(row.LookupHitsPerSecond)} | {F(row.LookupMissesPerSecond)} |");
        return text.ToString();
    }

    /// <summary>Three significant digits, thousands separated: enough for timings that vary by a few percent run to run.</summary>
    private static string F(double value)
    {
        if (double.IsNaN(value)) return "-";
        if (double.IsInfinity(value)) return "∞";
        double magnitude = Math.Abs(value);
        string format = magnitude >= 100 ? "N0" : magnitude >= 10 ? "N1" : magnitude >= 1 ? "N2" : "G3";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }
}
