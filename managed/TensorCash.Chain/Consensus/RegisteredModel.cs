using TensorCash.Proof;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// One entry of the model table: a name for people, the proof profile its registration pins (decode settings, K, W,
/// precision, vocabulary, salt, prompt cap, entropy ceiling: every one a consensus value, docs/protocol/security.md §2)
/// and its difficulty D_m; <paramref name="Cost"/> is the architecture audit's cost per token that D_m was derived from
/// (Registry.ModelCost; 0 where a table gives D_m directly, as test tables do).
/// </summary>
public sealed record RegisteredModel(string Name, ProofProfile Profile, ulong Difficulty, ulong Cost = 0)
{
    public int VocabSize => Profile.VocabSize;
    public PrecisionTag Precision => Profile.Precision;
}
