// The tokenizer's building blocks (regex splitting, delimiter behaviours) are tested directly, not only through
// whole vocabularies, so a failure points at the piece that broke.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TensorCash.Tests")]
