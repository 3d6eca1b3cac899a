namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The tokenizer.json "post_processor" reduced to what single-sequence encoding needs: the special-token ids put
/// before and after the encoded text when Encode is called with addSpecialTokens (Llama-2's BOS, for example).
/// A ByteLevel post-processor only adjusts offsets, so it contributes nothing here.
/// </summary>
internal sealed record PostProcessor(int[] Prefix, int[] Suffix)
{
    public static readonly PostProcessor None = new([], []);

    public static PostProcessor FromJson(TokenizerJson? json)
    {
        if (json is not { } j) return None;
        string type = j.TypeName;
        switch (type)
        {
            case "ByteLevel":
                return None;
            case "TemplateProcessing":
                return FromTemplate(j);
            case "Sequence":
            {
                var parts = j.Required("processors").Items().Select(p => FromJson(p)).ToArray();
                return new PostProcessor(parts.SelectMany(p => p.Prefix).ToArray(), parts.Reverse().SelectMany(p => p.Suffix).ToArray());
            }
            default:
                throw j.Error($"unsupported post_processor type '{type}' (supported: TemplateProcessing, ByteLevel, Sequence)");
        }
    }

    private static PostProcessor FromTemplate(TokenizerJson json)
    {
        var specialIds = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (json.Optional("special_tokens") is { } specials)
            foreach (var (name, value) in specials.Members())
                specialIds[name] = value.Required("ids").Items().Select(i => i.AsInt()).ToArray();

        var prefix = new List<int>();
        var suffix = new List<int>();
        bool sawSequence = false;
        foreach (var item in json.Required("single").Items())
        {
            if (item.Optional("Sequence") is not null)
            {
                if (sawSequence) throw item.Error("the single template names the sequence twice");
                sawSequence = true;
            }
            else if (item.Optional("SpecialToken") is { } special)
            {
                var idJson = special.Required("id");
                string name = idJson.AsString();
                if (!specialIds.TryGetValue(name, out var ids)) throw idJson.Error($"special token \"{name}\" is not listed in special_tokens");
                (sawSequence ? suffix : prefix).AddRange(ids);
            }
            else
            {
                throw item.Error("template item must be {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
        }
        if (!sawSequence) throw json.Required("single").Error("the single template never includes the sequence");
        return new PostProcessor(prefix.ToArray(), suffix.ToArray());
    }
}
