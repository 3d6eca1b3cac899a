using System.Text;
using TensorCash.Engine.Tokenization;

namespace TensorCash.FuzzTargets;

/// <summary>
/// A tokenizer.json: TokenizerLoader.FromJson (model, merges, added tokens, normalizer, pre-tokenizer regexes,
/// decoder, post-processor), then a fixed text through Encode and the ids back through Decode, so what the loader
/// accepted is also usable. A tokenizer without byte fallback or unk_token cannot encode every character; Encode's
/// UntokenizableTextException says so and is a documented outcome, not a finding.
/// </summary>
public static class TokenizerTarget
{
    private const string Sample = "Hello world! 123 4567 ünïcödé  tabs\tand\nnewlines 🙂 <s></s><|endoftext|> don't";

    public static FuzzTarget Create() => new("tokenizer", "TokenizerLoader.FromJson + Encode/Decode", Probe,
        typeof(TokenizerFormatException), typeof(UntokenizableTextException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        var tokenizer = TokenizerLoader.FromJson(Encoding.UTF8.GetString(input), "fuzz-input.json");
        int[] ids = tokenizer.Encode(Sample);
        tokenizer.Decode(ids);
        tokenizer.Decode(ids, skipSpecialTokens: true);
    }
}
