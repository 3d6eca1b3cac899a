namespace TensorCash.Proof;

/// <summary>One committed evidence entry: a token id and its raw fp32 logit as IEEE-754 bits.</summary>
public readonly record struct LogitCandidate(int TokenId, uint LogitBits);
