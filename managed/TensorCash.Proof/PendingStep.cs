namespace TensorCash.Proof;

/// <summary>A step that has been drawn and sampled but not yet committed: see <see cref="ProofSession.Sample"/>.</summary>
public sealed record PendingStep(uint Step, ulong Draw, SampledToken Sampled, StepEvidence Evidence);
