namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The pattern object used by Split pre-tokenizers and Replace normalizers/decoders: either
/// <c>{"String": "literal"}</c> or <c>{"Regex": "..."}</c>. Both run through <see cref="CodePointRegex"/>.
/// </summary>
internal sealed class SplitPattern
{
    private readonly CodePointRegex _regex;
    private readonly string? _literal;

    private SplitPattern(CodePointRegex regex, string? literal)
    {
        _regex = regex;
        _literal = literal;
    }

    public static SplitPattern FromJson(TokenizerJson json)
    {
        if (json.Optional("String") is { } s)
        {
            string literal = s.AsString();
            if (literal.Length == 0) throw s.Error("empty string pattern");
            return new SplitPattern(new CodePointRegex(System.Text.RegularExpressions.Regex.Escape(literal)), literal);
        }
        if (json.Optional("Regex") is { } r)
        {
            string pattern = r.AsString();
            try
            {
                return new SplitPattern(new CodePointRegex(pattern), null);
            }
            catch (ArgumentException e)
            {
                throw r.Error($"regex cannot be compiled by .NET: {e.Message}");
            }
        }
        throw json.Error("pattern must be an object with a \"String\" or \"Regex\" member");
    }

    public List<(int Start, int Length)> Matches(string text) => _regex.Matches(text);

    public string Replace(string text, string content) =>
        _literal is not null ? text.Replace(_literal, content, StringComparison.Ordinal) : _regex.Replace(text, content);
}
