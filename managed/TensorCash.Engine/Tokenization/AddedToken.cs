namespace TensorCash.Engine.Tokenization;

/// <summary>
/// An entry of tokenizer.json "added_tokens": a string matched verbatim in the input before any normalization or
/// BPE (e.g. "&lt;|im_start|&gt;"). <see cref="Special"/> tokens are dropped by Decode(skipSpecialTokens: true).
/// </summary>
/// <param name="LStrip">Whitespace just before a match is swallowed by the token.</param>
/// <param name="RStrip">Whitespace just after a match is swallowed by the token.</param>
/// <param name="SingleWord">Only matches when not glued to a letter, digit or '_' on either side.</param>
/// <param name="Normalized">Matched against normalized text rather than the raw input.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord, bool Normalized)
{
    internal static AddedToken FromJson(TokenizerJson json)
    {
        string content = json.Required("content").AsString();
        if (content.Length == 0) throw json.Error("added token with empty content");
        bool special = json.OptionalBool("special", false);
        return new AddedToken(
            json.Required("id").AsInt(),
            content,
            special,
            json.OptionalBool("lstrip", false),
            json.OptionalBool("rstrip", false),
            json.OptionalBool("single_word", false),
            // HF defaults "normalized" to the opposite of "special".
            json.OptionalBool("normalized", !special));
    }
}
