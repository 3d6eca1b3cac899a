using TensorCash.Engine.Runtime;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>Turns a per-step tier-2 rejection into a <see cref="ReplayChallenge"/> that anyone holding the model can check.</summary>
public static class ChallengeBuilder
{
    public static ReplayChallenge Build(ProofTranscript transcript, Rejection rejection, Transformer transformer, ComparisonMode mode = ComparisonMode.Exact)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(rejection);
        ArgumentNullException.ThrowIfNull(transformer);
        if (rejection.Reason is not (RejectReason.EvidenceLogitMismatch or RejectReason.StatisticsMismatch or RejectReason.SketchMismatch))
            throw new ArgumentException($"only per-step tier-2 mismatches can be challenged, not {rejection.Reason.Code()}", nameof(rejection));
        int step = rejection.Step;
        if (step < 0 || step >= transcript.Steps.Count)
            throw new ArgumentException($"rejection names step {step}; the transcript has steps 0..{transcript.Steps.Count - 1} (aggregate rejections have no single step to challenge)", nameof(rejection));

        var header = transcript.Header;
        int[] context = TeacherForcedReplay.Context(header.Prompt, transcript.Steps.Select(s => s.Token).ToList(), step);
        var committed = transcript.Steps[step];
        int[] modelPrompt = Proof.ProofSalt.ModelPrompt(header);
        var recomputed = ChallengeReplay.Recompute(transformer, TeacherForcedReplay.Context(modelPrompt, transcript.Steps.Select(s => s.Token).ToList(), step),
                modelPrompt.Length, committed)
            ?? throw new ArgumentException($"step {step} cannot be replayed on this model (context or token ids out of range)", nameof(rejection));
        var binding = CommitmentBinding.For(transcript, step);
        return new ReplayChallenge(header.ModelId, header.Profile, header.Binding, header.Prompt.Length, context, rejection.Reason, mode,
            committed, recomputed, binding.Leaf, binding.Path, binding.Commitment);
    }
}
