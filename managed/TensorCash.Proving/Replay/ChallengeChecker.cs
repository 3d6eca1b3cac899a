using TensorCash.Engine.Runtime;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Rules on a <see cref="ReplayChallenge"/>: recomputes the disputed step with one prefill over its context and compares
/// the committed values in the challenge's mode. The challenger's own recomputed values are never trusted; they only
/// explain the claim. Before any replay the challenge must prove, by hashes alone, that the disputed step is the one its
/// proof commitment covers (<see cref="CommitmentBinding.Verify"/>); a caller holding the block header also passes the
/// commitment it expects, so a challenge against some other transcript is refuted.
/// </summary>
public static class ChallengeChecker
{
    public static ChallengeVerdict Check(ReplayChallenge challenge, Transformer transformer, ToleranceEnvelope? envelope = null,
        byte[]? expectedCommitment = null)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(transformer);
        envelope ??= ToleranceEnvelope.Default;
        if (expectedCommitment is not null && !expectedCommitment.AsSpan().SequenceEqual(challenge.ProofCommitment))
            return new ChallengeVerdict(false, challenge.Reason,
                $"refuted: the challenge disputes commitment {Convert.ToHexStringLower(challenge.ProofCommitment)}, not {Convert.ToHexStringLower(expectedCommitment)}");
        if (CommitmentBinding.Verify(challenge) is { } unbound)
            return new ChallengeVerdict(false, challenge.Reason, $"refuted: not bound to the committed transcript: {unbound}");
        var modelContext = challenge.ModelContext();
        var recomputed = ChallengeReplay.Recompute(transformer, modelContext, modelContext.Length - challenge.Step, challenge.Committed);
        if (recomputed is null)
            return new ChallengeVerdict(false, challenge.Reason,
                $"refuted: the challenge's context ({challenge.Context.Length} tokens) or token ids do not fit the model (vocabulary {transformer.Config.VocabSize}, max context {transformer.Config.MaxSequenceLength})");

        var tally = new DeviationTally();
        var found = StepComparison.Compare(challenge.Step, challenge.Committed, recomputed, transformer.Config.VocabSize, challenge.Mode, envelope, tally);
        if (challenge.Mode == ComparisonMode.Tolerant && !(tally.MeanSquare <= envelope.AggregateThreshold) && found.All(f => f.Reason != tally.DominantKind()))
            found.Add(new Rejection(tally.DominantKind(), challenge.Step, -1, $"step {challenge.Step}: mean squared normalized deviation {tally.MeanSquare:G4} exceeds {envelope.AggregateThreshold:G4}"));

        var match = found.FirstOrDefault(f => f.Reason == challenge.Reason);
        if (match is not null) return new ChallengeVerdict(true, challenge.Reason, $"confirmed: {match.Message}");
        string others = found.Count == 0 ? "the committed values replay correctly" : $"found only {string.Join("; ", found.Select(f => f.Reason.Code()))}";
        return new ChallengeVerdict(false, challenge.Reason, $"refuted: no {challenge.Reason.Code()} at step {challenge.Step}: {others}");
    }
}
