using TensorCash.Proof.Transcript;

namespace TensorCash.Proof.Verification;

/// <summary>
/// Tier 1: the deterministic checks every node runs, without a model forward pass (section 11 of the protocol
/// document). Order: encoding, model, parameters, evidence, binding, window structure, then a full replay of the
/// proof session over the committed evidence (every token must equal F^-1(u_t); leaves, roots, digests and nonces
/// are recomputed), then the entropy ceiling and the claimed commitment. Checks that make replay meaningless stop
/// there; independent header problems are all reported together.
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
        void Reject(RejectReason reason, string message, int step = -1, int window = -1) => rejections.Add(new Rejection(reason, step, window, message));

        var model = options.Models.FirstOrDefault(m => m.Id.AsSpan().SequenceEqual(h.ModelId));
        if (model is null) Reject(RejectReason.UnknownModel, $"model id {Convert.ToHexString(h.ModelId).ToLowerInvariant()} is not known to this verifier");

        CheckParameters(h, model, Reject);
        if (model is not null) CheckEvidence(transcript, model.VocabSize, Reject);
        if (options.Expected is { } expected) CheckBinding(h, expected, Reject);
        if (h.WindowSize >= 1 && (transcript.Steps.Count == 0 || transcript.Steps.Count % h.WindowSize != 0))
            Reject(RejectReason.WindowStructure, $"{transcript.Steps.Count} steps are not a positive whole number of windows of {h.WindowSize}; a transcript carries complete windows only");
        if (rejections.Count > 0) return Tier1Result.Rejected(rejections);

        var windows = Replay(transcript, options.CeilingQ32, Reject);
        if (rejections.Count > 0) return Tier1Result.Rejected(rejections);

        CheckClaim(windows, options.Claim, Reject);
        return new Tier1Result(rejections, windows);
    }

    private static void CheckParameters(TranscriptHeader h, KnownModel? model, Action<RejectReason, string, int, int> reject)
    {
        void Out(string message) => reject(RejectReason.ParameterOutOfRange, message, -1, -1);
        if (!Enum.IsDefined(h.Precision)) Out($"precision tag 0x{(byte)h.Precision:X2} is not one of f32, f16, bf16, q8_0");
        if (h.WindowSize is < ProofDigest.MinWindowSize or > ProofDigest.MaxWindowSize)
            Out($"window size {h.WindowSize} is outside {ProofDigest.MinWindowSize}..{ProofDigest.MaxWindowSize}");
        if (h.EvidenceCount is < 1 or > TranscriptLimits.MaxEvidenceCount)
            Out($"evidence count {h.EvidenceCount} is outside 1..{TranscriptLimits.MaxEvidenceCount}");
        if (h.EvidenceCount < h.Decode.TopK)
            Out($"evidence count {h.EvidenceCount} is below top-k {h.Decode.TopK}; the evidence must cover every candidate the sampler keeps");
        if (h.Prompt.Length == 0) Out("the prompt is empty; the model needs at least one token");
        if (h.ModelId.Length is 0 or > TranscriptLimits.MaxModelIdBytes) Out($"model id is {h.ModelId.Length} bytes; it must be 1..{TranscriptLimits.MaxModelIdBytes}");
        if (model is null) return;
        if (h.EvidenceCount > model.VocabSize) Out($"evidence count {h.EvidenceCount} exceeds the model's vocabulary of {model.VocabSize}");
        for (var i = 0; i < h.Prompt.Length; i++)
            if ((uint)h.Prompt[i] >= (uint)model.VocabSize)
            {
                Out($"prompt token {i} is {h.Prompt[i]}, outside the vocabulary [0, {model.VocabSize})");
                return;
            }
    }

    /// <summary>Candidate count per step and vocabulary bounds; duplicates and NaN/Inf cannot exist in a StepEvidence.</summary>
    private static void CheckEvidence(ProofTranscript transcript, int vocabSize, Action<RejectReason, string, int, int> reject)
    {
        for (var t = 0; t < transcript.Steps.Count; t++)
        {
            var candidates = transcript.Steps[t].Evidence.Candidates;
            if (candidates.Count != transcript.Header.EvidenceCount)
            {
                reject(RejectReason.EvidenceInvalid, $"{candidates.Count} candidates where the header declares {transcript.Header.EvidenceCount}", t, -1);
                return;
            }
            if (transcript.Steps[t].Statistics.SketchBits.Length != StepStatistics.SketchLength)
            {
                reject(RejectReason.EvidenceInvalid, $"the sketch has {transcript.Steps[t].Statistics.SketchBits.Length} values; it must have {StepStatistics.SketchLength}", t, -1);
                return;
            }
            // Ascending order: the last candidate has the largest id.
            if (candidates[^1].TokenId >= vocabSize)
            {
                reject(RejectReason.EvidenceInvalid, $"candidate token {candidates[^1].TokenId} is outside the vocabulary [0, {vocabSize})", t, -1);
                return;
            }
        }
    }

    private static void CheckBinding(TranscriptHeader h, ExpectedBinding expected, Action<RejectReason, string, int, int> reject)
    {
        void Mismatch(string message) => reject(RejectReason.BindingMismatch, message, -1, -1);
        if (!h.Binding.HeaderBinding.AsSpan().SequenceEqual(expected.Binding.HeaderBinding)) Mismatch("chain binding B differs from the expected one");
        if (!h.Binding.VdfOutput.AsSpan().SequenceEqual(expected.Binding.VdfOutput)) Mismatch("VDF output v differs from the expected one");
        if (h.Binding.VdfTick != expected.Binding.VdfTick) Mismatch($"VDF tick T is {h.Binding.VdfTick}, expected {expected.Binding.VdfTick}");
        if (h.Precision != expected.Precision) Mismatch($"declared precision {h.Precision} differs from the expected {expected.Precision}");
    }

    /// <summary>Re-runs the prover's session on the committed evidence; stops at the first token that is not its draw.</summary>
    private static List<WindowCandidate> Replay(ProofTranscript transcript, ulong ceilingQ32, Action<RejectReason, string, int, int> reject)
    {
        var h = transcript.Header;
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Precision, h.Decode, h.WindowSize, ceilingQ32);
        var windows = new List<WindowCandidate>();
        for (var t = 0; t < transcript.Steps.Count; t++)
        {
            var step = transcript.Steps[t];
            var pending = session.Sample(step.Evidence);
            if (pending.Sampled.TokenId != step.Token)
            {
                reject(RejectReason.TokenDrawMismatch,
                    $"token {step.Token} is not the draw: u_t = {pending.Draw:x16} over the committed evidence selects token {pending.Sampled.TokenId}", t, t / h.WindowSize);
                return windows;
            }
            var result = session.Commit(pending, StatisticsEncoding.ToBytes(step.Statistics));
            if (result.ClosedWindow is { } window) windows.Add(window);
        }
        return windows;
    }

    private static void CheckClaim(List<WindowCandidate> windows, ClaimedWindow? claim, Action<RejectReason, string, int, int> reject)
    {
        if (claim is null)
        {
            foreach (var w in windows.Where(w => !w.Eligible))
                reject(RejectReason.EntropyCeiling, "the window's mean sampled-token probability exceeds the entropy ceiling", -1, (int)w.WindowIndex);
            return;
        }
        if (claim.WindowIndex >= windows.Count)
        {
            reject(RejectReason.WindowStructure, $"the claimed window {claim.WindowIndex} does not exist; the transcript has {windows.Count}", -1, (int)claim.WindowIndex);
            return;
        }
        var recomputed = windows[(int)claim.WindowIndex];
        if (!recomputed.ProofCommitment.AsSpan().SequenceEqual(claim.ProofCommitment) || recomputed.Nonce != claim.Nonce)
            reject(RejectReason.CommitmentMismatch,
                $"claimed commitment {Convert.ToHexString(claim.ProofCommitment).ToLowerInvariant()} / nonce {claim.Nonce} differ from the recomputed " +
                $"{Convert.ToHexString(recomputed.ProofCommitment).ToLowerInvariant()} / {recomputed.Nonce}", -1, (int)claim.WindowIndex);
        else if (!recomputed.Eligible)
            reject(RejectReason.EntropyCeiling, "the claimed window's mean sampled-token probability exceeds the entropy ceiling", -1, (int)claim.WindowIndex);
    }
}
