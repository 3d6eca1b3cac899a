using System.Globalization;
using TensorCash.Engine.Runtime;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Tier 2, statistical replay (docs/protocol/tier2-replay.md): re-runs the declared model over prompt, chain-bound
/// salt and generated tokens in one teacher-forced prefill and compares, at every step or at a sample drawn from the
/// verifier's private seed, the committed evidence logits, the top-K set, the statistics and the sketch with the
/// recomputed ones. The caller supplies the transformer for the transcript's declared model; that the model id names
/// it is tier 1's business.
/// </summary>
public static class Tier2Verifier
{
    public static IReadOnlyList<Rejection> Verify(ProofTranscript transcript, Transformer transformer, Tier2Options options) =>
        Check(transcript, transformer, options).Rejections;

    public static Tier2Report Check(ProofTranscript transcript, Transformer transformer, Tier2Options options)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize, "ChunkSize must be at least 1");
        if (options.SampledPositions < 0) throw new ArgumentOutOfRangeException(nameof(options), options.SampledPositions, "SampledPositions must not be negative");
        if (options.SampledPositions > 0 && options.PositionSeed is null)
            throw new ArgumentException("sampling positions needs PositionSeed (the verifier's private random seed, never a value from the proof)", nameof(options));

        var steps = transcript.Steps;
        int[] checkedSteps = ReplayPositions.Derive(options.PositionSeed ?? [], steps.Count, options.SampledPositions);
        if (checkedSteps.Length == 0) return new Tier2Report([], [], 0, 0, 0);

        int[] prompt = Proof.ProofSalt.ModelPrompt(transcript.Header); // the prompt, then the salt: what the miner's model saw
        int[] generated = steps.Select(s => s.Token).ToArray();
        int lastStep = checkedSteps[^1];
        if (ReplayProblem(transformer.Config, transcript.Header.Prompt, prompt, generated, steps, checkedSteps, lastStep) is { } problem)
            return new Tier2Report([problem], checkedSteps, 0, 0, 0);

        var rejections = new List<Rejection>();
        var tally = new DeviationTally();
        var sketch = new LogitSketch(transformer.Config.VocabSize);
        int[] context = TeacherForcedReplay.Context(prompt, generated, lastStep);
        int replayed = 0;
        TeacherForcedReplay.Run(transformer, context, prompt.Length, checkedSteps, options.ChunkSize, (step, logits) =>
        {
            replayed++;
            var recomputed = RecomputedStep.From(logits, steps[step], sketch);
            var found = StepComparison.Compare(step, steps[step], recomputed, transformer.Config.VocabSize, options.Mode, options.Tolerance, tally);
            rejections.AddRange(found.Take(Math.Max(0, options.MaxRejections - rejections.Count)));
            // Exact mode: one failing step decides; stop paying for the rest (a bogus proof costs its first bad step).
            return !(options.Mode == ComparisonMode.Exact && found.Count > 0);
        });
        if (replayed < checkedSteps.Length) checkedSteps = checkedSteps[..replayed];

        if (options.Mode == ComparisonMode.Tolerant && !(tally.MeanSquare <= options.Tolerance.AggregateThreshold))
            rejections.Add(new Rejection(tally.DominantKind(), -1, -1, string.Create(CultureInfo.InvariantCulture,
                $"aggregate: mean squared normalized deviation {tally.MeanSquare:G4} over {tally.Count} values at {checkedSteps.Length} steps exceeds {options.Tolerance.AggregateThreshold:G4} (largest share from {tally.DominantKind().Code()} values)")));
        return new Tier2Report(rejections, checkedSteps, tally.Count, tally.Max, tally.MeanSquare);
    }

    /// <summary>Why the replay cannot run at all (ReplayFailed), or null.</summary>
    private static Rejection? ReplayProblem(Engine.Model.ModelConfig config, int[] declaredPrompt, int[] prompt, int[] generated,
        IReadOnlyList<TranscriptStep> steps, int[] checkedSteps, int lastStep)
    {
        static Rejection Failed(int step, string message) => new(RejectReason.ReplayFailed, step, -1, message);
        // The salt alone would give step 0 some context, but not one any miner was asked to continue: a proof's prompt
        // is never empty (tier 1 rejects it too), so tier 2 does not replay such a transcript either.
        if (declaredPrompt.Length == 0)
            return Failed(0, "the prompt is empty: a proof continues a prompt of at least one token (start it with BOS)");
        for (int i = 0; i < prompt.Length; i++)
            if ((uint)prompt[i] >= (uint)config.VocabSize)
                return Failed(-1, $"prompt token {i} is id {prompt[i]}, outside the model's vocabulary [0, {config.VocabSize})");
        for (int t = 0; t < generated.Length; t++)
            if ((uint)generated[t] >= (uint)config.VocabSize)
                return Failed(t, $"step {t}: generated token {generated[t]} is outside the model's vocabulary [0, {config.VocabSize})");
        foreach (int t in checkedSteps)
            foreach (var c in steps[t].Evidence.Candidates)
                if ((uint)c.TokenId >= (uint)config.VocabSize)
                    return Failed(t, $"step {t}: evidence token {c.TokenId} is outside the model's vocabulary [0, {config.VocabSize})");
        long needed = (long)prompt.Length + lastStep;
        if (needed > config.MaxSequenceLength)
            return Failed(lastStep, $"step {lastStep} needs a context of {needed} tokens; the model's maximum is {config.MaxSequenceLength}");
        return null;
    }
}
