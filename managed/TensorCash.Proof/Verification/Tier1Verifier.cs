using TensorCash.Proof.Transcript;

namespace TensorCash.Proof.Verification;

/// <summary>
/// Tier 1: the deterministic checks every node runs, without a model forward pass (section 11 of the protocol
/// document). Order: encoding, model, pinned profile, binding, window structure, then a replay of the proof session
/// over the committed evidence (every token must equal F^-1(u_t); leaves, root, commitment and nonce are recomputed),
/// then the entropy ceiling and the claimed commitment. Cost is bounded by the profile: one session step per token,
/// O(K log K) each, and the salt and genesis hashes (docs/protocol/security.md §7). Tier 1 checks the evidence's
/// consistency, not its truth: evidence can be invented without a model, so a block is valid only after tier 2.
/// </summary>
public static class Tier1Verifier
{
    public static Tier1Result Verify(ReadOnlySpan<byte> encoded, Tier1Options options)
    {
        ProofTranscript transcript;
        try
        {
            transcript = TranscriptCodec.Decode(encoded);
        }
        catch (TranscriptFormatException e)
        {
            return Tier1Result.Rejected([new Rejection(e.Reason, -1, -1, e.Message)]);
        }
        return Verify(transcript, options);
    }

    public static Tier1Result Verify(ProofTranscript transcript, Tier1Options options)
    {
        var h = transcript.Header;
        var rejections = new List<Rejection>();
        void Reject(RejectReason reason, string message, int step = -1) => rejections.Add(new Rejection(reason, step, -1, message));

        var model = options.Models.FirstOrDefault(m => m.Id.AsSpan().SequenceEqual(h.ModelId));
        if (model is null) Reject(RejectReason.UnknownModel, $"model id {Convert.ToHexString(h.ModelId).ToLowerInvariant()} is not known to this verifier");
        else if (model.Profile is { } pinned)
            foreach (var difference in h.Profile.Differences(pinned))
                Reject(RejectReason.ProfileMismatch, $"{difference}: the model's registration pins every profile field");
        else if (h.Profile.VocabSize != model.VocabSize)
            Reject(RejectReason.ParameterOutOfRange, $"the profile declares a vocabulary of {h.Profile.VocabSize}; the model has {model.VocabSize}");

        if (h.Prompt.Length == 0) Reject(RejectReason.ParameterOutOfRange, "the prompt is empty; the model needs at least one token");
        if (h.Prompt.Length > h.Profile.MaxPromptTokens)
            Reject(RejectReason.ParameterOutOfRange, $"the prompt has {h.Prompt.Length} tokens; the profile allows {h.Profile.MaxPromptTokens}");
        // The decoder checks this for bytes; a transcript built in memory must not reach the replay with an id the model lacks.
        var outside = Array.FindIndex(h.Prompt, id => (uint)id >= (uint)h.Profile.VocabSize);
        if (outside >= 0)
            Reject(RejectReason.ParameterOutOfRange, $"prompt token {outside}: id {h.Prompt[outside]} is outside the vocabulary [0, {h.Profile.VocabSize})");
        CheckEvidence(transcript, Reject);
        if (options.Expected is { } expected) CheckBinding(h, expected, Reject);
        if (transcript.Steps.Count != h.WindowSize)
            Reject(RejectReason.WindowStructure, $"{transcript.Steps.Count} steps where a proof is exactly one window of {h.WindowSize}");
        if (rejections.Count > 0) return Tier1Result.Rejected(rejections);

        var window = Replay(transcript, Reject);
        if (window is null) return Tier1Result.Rejected(rejections);

        if (!window.Eligible) Reject(RejectReason.EntropyCeiling, "the window's mean sampled-token probability exceeds the entropy ceiling");
        if (options.Claim is { } claim &&
            (!window.ProofCommitment.AsSpan().SequenceEqual(claim.ProofCommitment) || window.Nonce != claim.Nonce))
            Reject(RejectReason.CommitmentMismatch,
                $"claimed commitment {Convert.ToHexStringLower(claim.ProofCommitment)} / nonce {claim.Nonce} differ from the recomputed " +
                $"{Convert.ToHexStringLower(window.ProofCommitment)} / {window.Nonce}");
        return new Tier1Result(rejections, window);
    }

    /// <summary>Candidate count and vocabulary bounds per step (for transcripts built in memory; the decoder already checks them).</summary>
    private static void CheckEvidence(ProofTranscript transcript, Action<RejectReason, string, int> reject)
    {
        var profile = transcript.Header.Profile;
        for (var t = 0; t < transcript.Steps.Count; t++)
        {
            var step = transcript.Steps[t];
            var candidates = step.Evidence.Candidates;
            string? problem =
                candidates.Count != profile.EvidenceCount ? $"{candidates.Count} candidates where the profile pins {profile.EvidenceCount}"
                : step.Statistics.SketchBits.Length != StepStatistics.SketchLength ? $"the sketch has {step.Statistics.SketchBits.Length} values; it must have {StepStatistics.SketchLength}"
                : candidates[^1].TokenId >= profile.VocabSize ? $"candidate token {candidates[^1].TokenId} is outside the vocabulary [0, {profile.VocabSize})"
                : null;
            if (problem is null) continue;
            reject(RejectReason.EvidenceInvalid, problem, t);
            return;
        }
    }

    private static void CheckBinding(TranscriptHeader h, ExpectedBinding expected, Action<RejectReason, string, int> reject)
    {
        void Mismatch(string message) => reject(RejectReason.BindingMismatch, message, -1);
        if (!h.Binding.HeaderBinding.AsSpan().SequenceEqual(expected.Binding.HeaderBinding)) Mismatch("chain binding B differs from the expected one");
        if (!h.Binding.VdfOutput.AsSpan().SequenceEqual(expected.Binding.VdfOutput)) Mismatch("VDF output v differs from the expected one");
        if (h.Binding.VdfTick != expected.Binding.VdfTick) Mismatch($"VDF tick T is {h.Binding.VdfTick}, expected {expected.Binding.VdfTick}");
        if (h.Precision != expected.Precision) Mismatch($"declared precision {h.Precision} differs from the expected {expected.Precision}");
    }

    /// <summary>Re-runs the prover's session on the committed evidence; stops at the first token that is not its draw.</summary>
    private static WindowCandidate? Replay(ProofTranscript transcript, Action<RejectReason, string, int> reject)
    {
        var h = transcript.Header;
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Profile);
        WindowCandidate? window = null;
        for (var t = 0; t < transcript.Steps.Count; t++)
        {
            var step = transcript.Steps[t];
            var pending = session.Sample(step.Evidence);
            if (pending.Sampled.TokenId != step.Token)
            {
                reject(RejectReason.TokenDrawMismatch,
                    $"token {step.Token} is not the draw: u_t = {pending.Draw:x16} over the committed evidence selects token {pending.Sampled.TokenId}", t);
                return null;
            }
            window = session.Commit(pending, StatisticsEncoding.ToBytes(step.Statistics)).ClosedWindow ?? window;
        }
        return window;
    }
}
