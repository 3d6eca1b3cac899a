using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The tokenizer.json "normalizer": a string-to-string rewrite applied to each piece of input between added
/// tokens before pre-tokenization (SentencePiece-style files use it to turn spaces into '▁' and prepend one).
/// </summary>
internal abstract class TextNormalizer
{
    public abstract string Normalize(string text);

    public static TextNormalizer? FromJson(TokenizerJson? json)
    {
        if (json is not { } j) return null;
        string type = j.TypeName;
        return type switch
        {
            "Sequence" => new SequenceNormalizer(j.Required("normalizers").Items().Select(n => FromJson(n)!).ToArray()),
            "Prepend" => new PrependNormalizer(j.Required("prepend").AsString()),
            "Replace" => new ReplaceNormalizer(SplitPattern.FromJson(j.Required("pattern")), j.Required("content").AsString()),
            "Lowercase" => new LowercaseNormalizer(),
            "NFC" => new UnicodeNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeNormalizer(NormalizationForm.FormKD),
            _ => throw j.Error($"unsupported normalizer type '{type}' (supported: Sequence, Prepend, Replace, Lowercase, NFC, NFD, NFKC, NFKD)"),
        };
    }

    private sealed class SequenceNormalizer(TextNormalizer[] parts) : TextNormalizer
    {
        public override string Normalize(string text)
        {
            foreach (var p in parts) text = p.Normalize(text);
            return text;
        }
    }

    // Prepends unconditionally, even before a leading space: that is what makes Llama-2's " a" become "▁▁a".
    private sealed class PrependNormalizer(string prefix) : TextNormalizer
    {
        public override string Normalize(string text) => text.Length == 0 ? text : prefix + text;
    }

    private sealed class ReplaceNormalizer(SplitPattern pattern, string content) : TextNormalizer
    {
        public override string Normalize(string text) => pattern.Replace(text, content);
    }

    private sealed class LowercaseNormalizer : TextNormalizer
    {
        public override string Normalize(string text) => text.ToLowerInvariant();
    }

    // With InvariantGlobalization the runtime has no ICU and string.Normalize leaves non-ASCII text unchanged;
    // text that is already in the requested form (nearly all real input) still tokenizes exactly. See docs/tokenizer.md.
    private sealed class UnicodeNormalizer(NormalizationForm form) : TextNormalizer
    {
        public override string Normalize(string text) => text.Normalize(form);
    }
}
