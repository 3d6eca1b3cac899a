using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proving;

namespace TensorCash.Node.Mining;

/// <summary>
/// A block to mine: the header with everything but the proof fields fixed (its VDF tick included), the VDF evidence
/// that travels with it, its transactions, height and T_adj.
/// </summary>
public sealed record BlockCandidate(BlockHeader Header, byte[] VdfProof, IReadOnlyList<Transaction> Transactions, int Height, BigInteger Target);

/// <summary>
/// What one mining attempt produced: a block if a window met the target, the user's text generated either way, and
/// what the model saw after the prompt (each window's salt and tokens), which the next attempt continues from.
/// </summary>
public sealed record MiningOutcome(Block? Block, int[] GeneratedTokens, int[] ContextTokens, int WindowsTried, int ProofBytes, TimeSpan Elapsed);

/// <summary>
/// Proof-of-inference mining of one candidate: each window is a one-window proof under the binding of the candidate's
/// header prefix, continuing the text so far; its commitment and derived nonce go into the header, and the block is
/// found when SHA-256d(header) &lt;= T_adj on an eligible window. There is nothing else to vary: the profile is pinned by
/// the model's registration, so another try means another window of inference (or another coinbase, hence another B,
/// salt and draws).
/// </summary>
public sealed class BlockMiner(ProofGenerator generator, ProofProfile profile)
{
    public MiningOutcome Mine(BlockCandidate candidate, int[] prompt, int maxWindows, CancellationToken cancellation)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var binding = BlockProofBinding.For(candidate.Header);
        var request = new ProveRequest(prompt, profile, binding, maxWindows);
        BlockHeader? found = null;
        var result = generator.ProveUntil(request, window =>
        {
            if (!window.Eligible) return false;
            var header = candidate.Header with { ProofCommitment = new Hash256(window.ProofCommitment), Nonce = window.Nonce };
            if (header.Hash.ToBigInteger() > candidate.Target) return false;
            found = header;
            return true;
        }, cancellation);

        if (found is null || result.Winner is null)
            return new MiningOutcome(null, result.Generated, result.Context, result.Attempts, 0, started.Elapsed);
        byte[] proof = TranscriptCodec.Encode(result.Winner.Transcript);
        return new MiningOutcome(new Block(found, candidate.VdfProof, candidate.Transactions, proof), result.Generated, result.Context, result.Attempts, proof.Length, started.Elapsed);
    }
}
