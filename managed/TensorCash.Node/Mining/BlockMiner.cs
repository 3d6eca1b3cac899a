using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proving;

namespace TensorCash.Node.Mining;

/// <summary>A block to mine: the header with everything but the proof fields fixed, its transactions, height and T_adj.</summary>
public sealed record BlockCandidate(BlockHeader Header, IReadOnlyList<Transaction> Transactions, int Height, BigInteger Target);

/// <summary>What one mining attempt produced: a block if a window met the target, and the text generated either way.</summary>
public sealed record MiningOutcome(Block? Block, int[] GeneratedTokens, int WindowsTried, int ProofBytes, TimeSpan Elapsed);

/// <summary>
/// Proof-of-inference mining of one candidate: the engine generates under the binding of the candidate's header
/// prefix; at every window boundary the header gets that window's commitment and derived nonce, and the block is
/// found when SHA-256d(header) &lt;= T_adj on an eligible window. There is nothing else to vary: a miner that wants
/// another try must generate another window (or change the coinbase, which changes B and restarts the draws).
/// </summary>
public sealed class BlockMiner(ProofGenerator generator, PrecisionTag precision, int windowSize, int evidenceCount)
{
    public MiningOutcome Mine(BlockCandidate candidate, int[] prompt, DecodeParameters decode, int maxWindows, CancellationToken cancellation)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var binding = BlockProofBinding.For(candidate.Header, candidate.Height);
        var request = new ProveRequest(prompt, decode, binding, precision, windowSize, maxWindows, evidenceCount);
        BlockHeader? found = null;
        var result = generator.ProveUntil(request, window =>
        {
            if (!window.Eligible) return false;
            var header = candidate.Header with { ProofCommitment = new Hash256(window.ProofCommitment), Nonce = window.Nonce };
            if (header.Hash.ToBigInteger() > candidate.Target) return false;
            found = header;
            return true;
        }, cancellation);

        int[] generated = result.Transcript.Steps.Select(s => s.Token).ToArray();
        if (found is null) return new MiningOutcome(null, generated, result.Windows.Count, 0, started.Elapsed);
        byte[] proof = TranscriptCodec.Encode(result.Transcript);
        return new MiningOutcome(new Block(found, candidate.Transactions, proof), generated, result.Windows.Count, proof.Length, started.Elapsed);
    }
}
