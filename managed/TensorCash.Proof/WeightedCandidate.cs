namespace TensorCash.Proof;

/// <summary>A candidate that survived top-k and top-p, with its integer softmax weight (Q.32, top candidate = 2^32).</summary>
public readonly record struct WeightedCandidate(int TokenId, ulong Weight);
