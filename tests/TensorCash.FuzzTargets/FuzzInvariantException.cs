namespace TensorCash.FuzzTargets;

/// <summary>
/// A parser accepted an input but broke a property the target checks on the result (an accepted encoding that does
/// not re-encode to the same bytes, an RPC reply produced by the dispatcher's catch-all). Never a rejection: always a
/// finding.
/// </summary>
public sealed class FuzzInvariantException(string message) : Exception(message);
