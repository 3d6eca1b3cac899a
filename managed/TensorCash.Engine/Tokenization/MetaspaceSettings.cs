namespace TensorCash.Engine.Tokenization;

/// <summary>When a Metaspace pre-tokenizer puts a '▁' in front of a piece (and its decoder strips one).</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

/// <summary>
/// The fields shared by the Metaspace pre-tokenizer and decoder. Older files have only add_prefix_space (true means
/// Always, false Never); newer ones carry prepend_scheme.
/// </summary>
internal readonly record struct MetaspaceSettings(char Replacement, PrependScheme Scheme, bool Split)
{
    public static MetaspaceSettings FromJson(TokenizerJson json)
    {
        var replacementJson = json.Optional("replacement") ?? json.Required("str_rep");
        string replacement = replacementJson.AsString();
        if (replacement.Length != 1) throw replacementJson.Error($"replacement must be one character, found \"{replacement}\"");

        PrependScheme scheme;
        if (json.Optional("prepend_scheme") is { } schemeJson)
        {
            scheme = schemeJson.AsString() switch
            {
                "always" => PrependScheme.Always,
                "first" => PrependScheme.First,
                "never" => PrependScheme.Never,
                var other => throw schemeJson.Error($"unknown prepend_scheme '{other}'"),
            };
        }
        else
        {
            scheme = json.OptionalBool("add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never;
        }
        return new MetaspaceSettings(replacement[0], scheme, json.OptionalBool("split", true));
    }
}

/// <summary>
/// The older SentencePiece form: spaces become '▁', one '▁' is prepended unless the piece already starts with one,
/// and (with split) the text is cut before every '▁'.
/// </summary>
internal sealed class MetaspacePreTokenizer(MetaspaceSettings settings) : PreTokenizer
{
    public static MetaspacePreTokenizer FromJson(TokenizerJson json) => new(MetaspaceSettings.FromJson(json));

    public override void Split(string piece, bool atTextStart, List<string> output)
    {
        char r = settings.Replacement;
        string text = piece.Replace(' ', r);
        bool prepend = settings.Scheme == PrependScheme.Always || (settings.Scheme == PrependScheme.First && atTextStart);
        if (prepend && !text.StartsWith(r)) text = r + text;
        if (!settings.Split)
        {
            output.Add(text);
            return;
        }
        int wordStart = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] != r) continue;
            output.Add(text.Substring(wordStart, i - wordStart));
            wordStart = i;
        }
        if (text.Length > 0) output.Add(text.Substring(wordStart));
    }
}
