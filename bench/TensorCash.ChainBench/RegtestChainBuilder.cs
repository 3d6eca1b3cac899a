using System.Diagnostics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mining;
using TensorCash.Proof;

namespace TensorCash.ChainBench;

/// <summary>A mined chain, serialized block by block (heights 1..N on top of the regtest genesis), and what building it cost.</summary>
public sealed record BuiltChain(IReadOnlyList<byte[]> Blocks, TimeSpan Mining, TimeSpan Signing, int WindowsTried);

/// <summary>
/// Mines a regtest chain with the real miner on builtin:tiny: every coinbase pays a wallet key, and once coinbases
/// mature every block also carries signed P2PKH spends, so validating it exercises every ledger rule including
/// signature checks. Not timed as part of validation.
/// </summary>
public sealed class RegtestChainBuilder(InferenceModel model, ChainParams parameters, BenchWallet wallet)
{
    /// <summary>Evidence candidates per step: the count builtin:tiny's registration pins (the node's miner uses the pinned profile).</summary>
    public static int Evidence => ChainParams.BuiltinTinyProfile(16).EvidenceCount;
    /// <summary>Windows one candidate may try before the coinbase's extra nonce changes (which rebinds the proof).</summary>
    private const int MaxWindowsPerCandidate = 16;
    private static readonly int[] Prompt = [72, 101, 108, 108, 111]; // "Hello"

    public BuiltChain Build(int blockCount, int transactionsPerBlock, TextWriter progress)
    {
        var blocks = new List<byte[]>(blockCount);
        var times = new List<long> { parameters.Genesis.Header.Time };
        var parent = parameters.Genesis.Header;
        // The chain carries no registrations, so the genesis registry's models (builtin:tiny) stay the active ones.
        var registry = Chain.Registry.ModelRegistry.Genesis(parameters);
        var miner = new BlockMiner(model.Generator, registry.ActiveModel(model.Id)!.Profile);
        var mining = new Stopwatch();
        var signing = new Stopwatch();
        int transactions = 0, inputs = 0, windows = 0;
        for (int height = 1; height <= blockCount; height++)
        {
            signing.Start();
            var spends = wallet.BuildSpends(height, transactionsPerBlock, out long fees);
            signing.Stop();
            var coinbaseScript = wallet.NextScript();
            long parentMedianTimePast = MedianTimePast.Compute(times);

            mining.Start();
            Block? block = null;
            for (uint extraNonce = 0; block is null; extraNonce++)
            {
                Transaction[] txs = [Coinbase(height, Subsidy.GetBlockSubsidy(height, parameters) + fees, coinbaseScript, extraNonce), .. spends];
                var root = MerkleTree.BlockRoot(txs, out _);
                var candidate = CandidateHeader.Create(parameters, registry, parent, height, parentMedianTimePast,
                    parent.Time + parameters.TargetSpacingSeconds, model.Id, root, txs);
                var outcome = miner.Mine(candidate, Prompt, MaxWindowsPerCandidate, CancellationToken.None);
                windows += outcome.WindowsTried;
                block = outcome.Block;
            }
            mining.Stop();

            wallet.Confirm(block.Transactions, height);
            blocks.Add(block.Serialize());
            times.Add(block.Header.Time);
            parent = block.Header;
            transactions += block.Transactions.Count;
            inputs += spends.Sum(tx => tx.Inputs.Count);
            if (height % 50 == 0 || height == blockCount)
                progress.WriteLine($"  mined {height}/{blockCount} ({transactions} transactions, {inputs} inputs so far)");
        }
        return new BuiltChain(blocks, mining.Elapsed, signing.Elapsed, windows);
    }

    /// <summary>BIP34 height, then a 4-byte extra nonce (a new nonce is a new coinbase, a new Merkle root, a new binding).</summary>
    private static Transaction Coinbase(int height, long value, byte[] script, uint extraNonce) => new(1,
        [new TxIn(OutPoint.Null, [.. CoinbaseHeight.Prefix(height), 4, .. BitConverter.GetBytes(extraNonce)])],
        [new TxOut(value, script)], 0);
}
