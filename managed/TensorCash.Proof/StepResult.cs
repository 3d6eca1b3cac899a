namespace TensorCash.Proof;

/// <summary>One step's output: the draw numerator, the sampled token, its leaf hash, and the window it closed, if any.</summary>
public sealed record StepResult(ulong Draw, SampledToken Sampled, byte[] LeafHash, WindowCandidate? ClosedWindow);
