namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The text holds a character the tokenizer cannot represent: not in the vocabulary, and the tokenizer.json has
/// neither byte fallback nor an unk_token (Hugging Face's tokenizers would drop it silently). An
/// <see cref="ArgumentException"/> (the text is the bad argument) of its own type, so callers and the fuzz target
/// can tell it from a bug.
/// </summary>
public sealed class UntokenizableTextException(string message) : ArgumentException(message);
