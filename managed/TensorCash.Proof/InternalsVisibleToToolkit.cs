// The toolkit (receipts, epoch commitments) reuses the proof core's tagged Merkle tree and hash encoder with its own
// domain tags instead of keeping a second copy of either.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TensorCash.Toolkit")]
