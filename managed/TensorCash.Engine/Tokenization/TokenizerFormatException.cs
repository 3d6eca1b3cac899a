namespace TensorCash.Engine.Tokenization;

/// <summary>
/// A tokenizer file could not be used: missing, unreadable, not JSON, a field of the wrong shape, or a model,
/// normalizer, pre-tokenizer or decoder type this engine does not implement. The message names the file and,
/// where there is one, the JSON field.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    public string FilePath { get; }
    public string? Field { get; }

    public TokenizerFormatException(string filePath, string? field, string problem, Exception? inner = null)
        : base(field is null ? $"{filePath}: {problem}" : $"{filePath}: field '{field}': {problem}", inner)
    {
        FilePath = filePath;
        Field = field;
    }
}
