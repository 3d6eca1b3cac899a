using System.Diagnostics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mining;
using TensorCash.Chain.Registry;

namespace TensorCash.ChainBench;

/// <summary>
/// Validates a built chain block by block with the functions the node uses, timing each phase per block:
/// deserialization; tier 1 and tier 2 of the proof (<see cref="BlockProofVerifier.Check"/>); the pure ledger rules
/// against an in-memory UTXO mirror (header rules, CheckBlock, ContextualCheckBlock, Connect); and the whole
/// <see cref="ChainState.AcceptBlock"/> on a fresh datadir, whose proof hook records its own tier-1 and tier-2 time
/// so the end-to-end split comes from the same calls. The phases of one block run back to back, so a change in the
/// machine's load hits every phase alike and the ratios stay comparable.
/// <para>
/// Every phase decodes its own copy of the block: transactions cache their txids, and a shared copy would move the
/// hashing into whichever phase touched it first.
/// </para>
/// </summary>
public sealed class ValidationBench(ChainParams parameters, BlockProofVerifier verifier)
{
    public PhaseTimings Deserialize { get; } = new();
    public PhaseTimings Tier1 { get; } = new();
    public PhaseTimings Tier2 { get; } = new();
    public PhaseTimings Header { get; } = new();
    public PhaseTimings CheckBlock { get; } = new();
    public PhaseTimings Contextual { get; } = new();
    public PhaseTimings Connect { get; } = new();
    /// <summary>Every input's script check run once more on its own, to size its part of <see cref="Connect"/>.</summary>
    public PhaseTimings Scripts { get; } = new();
    public PhaseTimings MemoryApply { get; } = new();
    public PhaseTimings EndToEnd { get; } = new();
    /// <summary>The proof hook's own tier timings, from inside <see cref="EndToEnd"/>.</summary>
    public PhaseTimings HookTier1 { get; } = new();
    public PhaseTimings HookTier2 { get; } = new();
    /// <summary>Header rules + CheckBlock + ContextualCheckBlock + Connect, per block.</summary>
    public PhaseTimings Ledger { get; } = new();
    /// <summary>AcceptBlock less its proof hook: the ledger rules on the SQLite view plus storing, reading back and committing.</summary>
    public PhaseTimings AcceptLedgerAndStorage { get; } = new();
    /// <summary>What AcceptBlock spends beyond the pure phases: SQLite lookups, writes, commits, reading the block back.</summary>
    public PhaseTimings StorageEstimate { get; } = new();

    public int Blocks { get; private set; }
    /// <summary>Transactions other than coinbases, and their inputs: what signature checks scale with.</summary>
    public int Spends { get; private set; }
    public int Inputs { get; private set; }
    public int AllTransactions { get; private set; }
    public long Bytes { get; private set; }
    public long ProofBytes { get; private set; }
    /// <summary>Per block, by index: whether it carries spends (after coinbase maturity).</summary>
    public List<bool> HasSpends { get; } = [];

    public void Run(IReadOnlyList<byte[]> serializedBlocks, TextWriter progress)
    {
        var datadir = Directory.CreateTempSubdirectory("tc-chainbench-").FullName;
        try
        {
            ProofCheck? hookCheck = null;
            using var chain = new ChainState(datadir, parameters, (block, height, model) =>
            {
                hookCheck = verifier.Check(block, height, model);
                return hookCheck.Violation;
            });

            var mirror = new MemoryCoinView();
            var times = new List<long> { parameters.Genesis.Header.Time };
            var medianTimesPast = new List<long> { MedianTimePast.Compute(times) };
            var parent = parameters.Genesis.Header;
            var registry = ModelRegistry.Genesis(parameters);
            for (int i = 0; i < serializedBlocks.Count; i++)
            {
                int height = i + 1;
                var bytes = serializedBlocks[i];

                long start = Stopwatch.GetTimestamp();
                var forProof = Block.Deserialize(bytes);
                Deserialize.Add(Stopwatch.GetElapsedTime(start));

                var proof = verifier.Check(forProof, height, registry.ActiveModel(forProof.Header.ModelId)
                    ?? throw new InvalidOperationException($"block {height}: its model is not active"));
                Require(proof.Violation, height, "proof");
                if (!proof.Replayed) throw new InvalidOperationException($"block {height}: the verifier did not replay the proof (model missing?)");
                Tier1.Add(proof.Tier1);
                Tier2.Add(proof.Tier2);

                var block = Block.Deserialize(bytes);
                var header = block.Header;
                start = Stopwatch.GetTimestamp();
                Require(HeaderRules.Check(header, block.VdfProof, new HeaderContext(height, parent, medianTimesPast[^1], header.Time), parameters, registry), height, "header");
                Header.Add(Stopwatch.GetElapsedTime(start));
                start = Stopwatch.GetTimestamp();
                Require(BlockRules.CheckBlock(block, parameters), height, "CheckBlock");
                CheckBlock.Add(Stopwatch.GetElapsedTime(start));
                start = Stopwatch.GetTimestamp();
                Require(BlockRules.ContextualCheckBlock(block, height, medianTimesPast[^1], parameters), height, "ContextualCheckBlock");
                // The registry's rules are contextual block rules too (the chainstate runs them right after these).
                var (actions, extractViolation) = RegistryActions.Extract(block, parameters);
                Require(extractViolation, height, "RegistryActions.Extract");
                var (nextRegistry, applyViolation) = RegistryRules.Apply(registry, header, height, actions, parameters);
                Require(applyViolation, height, "RegistryRules.Apply");
                registry = nextRegistry;
                Contextual.Add(Stopwatch.GetElapsedTime(start));
                start = Stopwatch.GetTimestamp();
                var outcome = BlockConnector.Connect(block, height, mirror, parameters, h => medianTimesPast[h], registry: registry);
                Connect.Add(Stopwatch.GetElapsedTime(start));
                Require(outcome.Violation, height, "Connect");
                Scripts.Add(TimeScripts(block, outcome.Undo!, height));
                start = Stopwatch.GetTimestamp();
                mirror.Apply(outcome.Changes!);
                MemoryApply.Add(Stopwatch.GetElapsedTime(start));

                var received = Block.Deserialize(bytes);
                start = Stopwatch.GetTimestamp();
                var accepted = chain.AcceptBlock(received, received.Header.Time);
                EndToEnd.Add(Stopwatch.GetElapsedTime(start));
                if (accepted.Status != BlockAcceptStatus.ActiveChain)
                    throw new InvalidOperationException($"block {height}: AcceptBlock gave {accepted.Status} {accepted.Violation}");
                HookTier1.Add(hookCheck!.Tier1);
                HookTier2.Add(hookCheck.Tier2);
                var ledger = TimeSpan.FromMilliseconds(Header.Last + CheckBlock.Last + Contextual.Last + Connect.Last);
                Ledger.Add(ledger);
                var outsideProof = TimeSpan.FromMilliseconds(EndToEnd.Last - HookTier1.Last - HookTier2.Last);
                AcceptLedgerAndStorage.Add(outsideProof);
                StorageEstimate.Add(outsideProof - ledger);

                Blocks++;
                AllTransactions += block.Transactions.Count;
                Spends += block.Transactions.Count - 1;
                Inputs += block.Transactions.Skip(1).Sum(tx => tx.Inputs.Count);
                Bytes += bytes.Length;
                ProofBytes += block.Proof.Length;
                HasSpends.Add(block.Transactions.Count > 1);
                times.Add(header.Time);
                medianTimesPast.Add(MedianTimePast.Compute(times));
                parent = header;
                if (height % 50 == 0 || height == serializedBlocks.Count) progress.WriteLine($"  validated {height}/{serializedBlocks.Count}");
            }
            if (chain.GetUtxoStats().Count != mirror.Count)
                throw new InvalidOperationException($"the chainstate holds {chain.GetUtxoStats().Count} coins, the in-memory mirror {mirror.Count}");
        }
        finally
        {
            Directory.Delete(datadir, recursive: true);
        }
    }

    /// <summary>
    /// Runs every input's scripts once more on their own (Connect already did, and passed), with the spent coins from
    /// the undo data: how much of Connect is script and signature checking.
    /// </summary>
    private static TimeSpan TimeScripts(Block block, BlockUndo undo, int height)
    {
        int next = 0;
        long start = Stopwatch.GetTimestamp();
        foreach (var tx in block.Transactions.Skip(1))
            for (int i = 0; i < tx.Inputs.Count; i++)
                Require(ScriptVerifier.VerifyInput(tx, i, undo.SpentCoins[next++].Output), height, "script re-run");
        return Stopwatch.GetElapsedTime(start);
    }

    private static void Require(RuleViolation? violation, int height, string phase)
    {
        if (violation is not null) throw new InvalidOperationException($"block {height} failed {phase}: {violation}");
    }
}
