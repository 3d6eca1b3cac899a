namespace TensorCash.Engine.Tokenization;

/// <summary>Text to token ids and back.</summary>
public interface ITokenizer
{
    int VocabSize { get; }
    int? BosTokenId { get; }
    int? EosTokenId { get; }
    /// <summary>Encodes text; with <paramref name="addSpecialTokens"/> the tokenizer's post-processor adds BOS etc.</summary>
    int[] Encode(string text, bool addSpecialTokens = true);
    /// <summary>Decodes ids to text; special tokens are dropped when <paramref name="skipSpecialTokens"/>.</summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);
}
