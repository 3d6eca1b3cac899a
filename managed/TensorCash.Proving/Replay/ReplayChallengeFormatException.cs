namespace TensorCash.Proving.Replay;

/// <summary>Challenge bytes that are not a canonical version-1 encoding; the message names the field and offset.</summary>
public sealed class ReplayChallengeFormatException(string message) : Exception(message);
