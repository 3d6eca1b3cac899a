namespace TensorCash.Proof;

/// <summary>
/// The sampler's choice: the token, its index in the nucleus order, and its probability under the truncated
/// distribution in Q.32 (floor(weight * 2^32 / nucleus total); 2^32 = certain), the input to the entropy ceiling.
/// </summary>
public readonly record struct SampledToken(int TokenId, int NucleusIndex, ulong ProbabilityQ32);
