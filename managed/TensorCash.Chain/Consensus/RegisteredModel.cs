using TensorCash.Proof;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// One entry of the model table: a name for people, what tier 1 needs to check a transcript (vocabulary size and the
/// precision the model is registered at) and its difficulty D_m.
/// </summary>
public sealed record RegisteredModel(string Name, int VocabSize, PrecisionTag Precision, ulong Difficulty);
