using System.Text.Json;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// A JSON value from a tokenizer file together with its file and dotted field path, so every "wrong shape" error
/// names the exact field instead of surfacing a bare JsonException or KeyNotFoundException.
/// </summary>
internal readonly struct TokenizerJson
{
    private readonly JsonElement _element;

    public string FilePath { get; }
    public string Path { get; }
    public JsonValueKind Kind => _element.ValueKind;

    public TokenizerJson(string filePath, string path, JsonElement element)
    {
        FilePath = filePath;
        Path = path;
        _element = element;
    }

    public TokenizerFormatException Error(string problem) => new(FilePath, Path.Length == 0 ? null : Path, problem);

    /// <summary>The named member, or null when it is absent or JSON null (both mean "use the default").</summary>
    public TokenizerJson? Optional(string name)
    {
        if (_element.ValueKind != JsonValueKind.Object) throw Error($"expected an object, found {Describe(_element)}");
        if (!_element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return new TokenizerJson(FilePath, Child(name), value);
    }

    public TokenizerJson Required(string name) =>
        Optional(name) ?? throw new TokenizerFormatException(FilePath, Child(name), "required field is missing");

    public bool Has(string name) => _element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out _);

    public string AsString()
    {
        if (_element.ValueKind != JsonValueKind.String) throw Error($"expected a string, found {Describe(_element)}");
        var element = _element;
        return Decoded(() => element.GetString()!);
    }

    /// <summary>
    /// System.Text.Json checks a string's UTF-8 and escapes only when it is read, and then throws
    /// InvalidOperationException; here that is a format error of the field like any other (found by fuzzing).
    /// </summary>
    private string Decoded(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException e)
        {
            throw Error($"a string is not valid UTF-8 or escapes an unpaired surrogate ({e.Message})");
        }
    }

    public int AsInt() =>
        _element.ValueKind == JsonValueKind.Number && _element.TryGetInt32(out int v)
            ? v
            : throw Error($"expected a 32-bit integer, found {Describe(_element)}");

    public bool AsBool() => _element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error($"expected true or false, found {Describe(_element)}"),
    };

    public string? OptionalString(string name) => Optional(name)?.AsString();
    public bool OptionalBool(string name, bool fallback) => Optional(name)?.AsBool() ?? fallback;

    public IEnumerable<TokenizerJson> Items()
    {
        if (_element.ValueKind != JsonValueKind.Array) throw Error($"expected an array, found {Describe(_element)}");
        int i = 0;
        foreach (var item in _element.EnumerateArray()) yield return new TokenizerJson(FilePath, $"{Path}[{i++}]", item);
    }

    public int ArrayLength =>
        _element.ValueKind == JsonValueKind.Array ? _element.GetArrayLength() : throw Error($"expected an array, found {Describe(_element)}");

    public IEnumerable<(string Name, TokenizerJson Value)> Members()
    {
        if (_element.ValueKind != JsonValueKind.Object) throw Error($"expected an object, found {Describe(_element)}");
        foreach (var p in _element.EnumerateObject())
        {
            var property = p;
            string name = Decoded(() => property.Name);
            yield return (name, new TokenizerJson(FilePath, Child(name), p.Value));
        }
    }

    /// <summary>The "type" discriminator every normalizer, pre-tokenizer, model, post-processor and decoder carries.</summary>
    public string TypeName => Required("type").AsString();

    private string Child(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
