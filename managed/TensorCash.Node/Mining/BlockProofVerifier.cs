using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Proof.Transcript;
using TensorCash.Proving.Replay;

namespace TensorCash.Node.Mining;

/// <summary>What verifying one block's proof found, and how long each tier took.</summary>
public sealed record ProofCheck(RuleViolation? Violation, bool Replayed, TimeSpan Tier1, TimeSpan Tier2);

/// <summary>
/// The node's proof check at block acceptance: tier 1 always (consensus, <see cref="BlockProofRules"/>), then tier 2
/// (an exact teacher-forced replay) when the node holds the block's model. By default the replay checks every
/// position; with <paramref name="replayPositions"/> = S it checks S steps chosen by Fiat–Shamir from the block's proof
/// commitment (docs/protocol/tier2-replay.md §2: about a third cheaper on a 156M model, and a single edited step is
/// then caught with probability S/n instead of 1).
/// </summary>
public sealed class BlockProofVerifier(ChainParams parameters, IReadOnlyList<InferenceModel> models, int replayPositions = 0)
{
    private readonly int _replayPositions = replayPositions >= 0 ? replayPositions
        : throw new ArgumentOutOfRangeException(nameof(replayPositions), replayPositions, "must be 0 (every step) or a positive count");
    private readonly object _replayLock = new(); // the replay transformer is single-threaded; blocks may arrive on several threads

    public RuleViolation? Verify(Block block, int height) => Check(block, height).Violation;

    public ProofCheck Check(Block block, int height)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var violation = BlockProofRules.Check(block, height, parameters, out ProofTranscript? transcript);
        var tier1 = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        if (violation is not null || transcript is null) return new ProofCheck(violation, false, tier1, TimeSpan.Zero);

        var model = models.FirstOrDefault(m => m.Id == block.Header.ModelId);
        if (model is null) return new ProofCheck(null, false, tier1, TimeSpan.Zero);
        start = System.Diagnostics.Stopwatch.GetTimestamp();
        IReadOnlyList<Proof.Verification.Rejection> rejections;
        var options = new Tier2Options
        {
            Mode = ComparisonMode.Exact,
            SampledPositions = _replayPositions,
            PositionSeed = _replayPositions > 0 ? block.Header.ProofCommitment.ToArray() : null,
        };
        lock (_replayLock) rejections = Tier2Verifier.Verify(transcript, model.ReplayTransformer, options);
        var tier2 = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        return rejections.Count == 0
            ? new ProofCheck(null, true, tier1, tier2)
            : new ProofCheck(new RuleViolation("bad-proof-replay", $"block {block.Header.Hash} at height {height}: tier-2 replay on {model.Spec}: {rejections[0]}"), true, tier1, tier2);
    }
}
