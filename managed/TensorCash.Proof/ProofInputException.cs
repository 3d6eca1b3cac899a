namespace TensorCash.Proof;

/// <summary>
/// Input that the proof-of-inference rules reject (a field out of range, malformed evidence). The message names the
/// field and the offending value so a miner or verifier can tell which part of its input is wrong.
/// </summary>
public sealed class ProofInputException(string message) : Exception(message);
