using TensorCash.Engine.Generation;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// A proof run: up to <see cref="Attempts"/> one-window proofs under the binding, each continuing the text of the one
/// before it. Attempt k's prompt is everything the model saw so far (the prompt, then each earlier attempt's salt and
/// window), cut to its last <see cref="ProofProfile.MaxPromptTokens"/> tokens. End-of-sequence does not stop a window:
/// a proof holds exactly W tokens, and a token after EOS is as costly to produce as any other.
/// </summary>
public sealed record ProveRequest(int[] Prompt, ProofProfile Profile, ChainBinding Binding, int Attempts = 1);

/// <summary>One window's transcript, its candidate (commitment, nonce, eligibility) and the generation timings.</summary>
public sealed record ProveResult(ProofTranscript Transcript, WindowCandidate Window, GenerationStats Stats);

/// <summary>
/// A run stopped at the first accepted window: <see cref="Winner"/> is its transcript and candidate, or null. Either way
/// <see cref="Generated"/> holds every token generated (the user's text) and <see cref="Context"/> what the model saw
/// after the original prompt (salts and tokens), so a later run can continue the same text.
/// </summary>
public sealed record ProveUntilResult(ProveResult? Winner, int Attempts, int[] Generated, int[] Context);
