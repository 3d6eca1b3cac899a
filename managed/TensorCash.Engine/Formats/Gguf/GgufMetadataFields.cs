using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>Typed access to GGUF metadata with errors that name the file and key.</summary>
public readonly struct GgufMetadataFields(GgufFile file)
{
    private ModelFormatException Bad(string key, string problem) => new(file.Path, null, $"metadata '{key}' {problem}");

    public GgufValue? Get(string key) => file.Metadata.TryGetValue(key, out var v) ? v : null;

    public string? OptionalString(string key) => Get(key) is { } v
        ? v.Value as string ?? throw Bad(key, $"must be a string, found {v.Type}")
        : null;
    public string RequiredString(string key) => OptionalString(key) ?? throw Bad(key, "is missing");

    public int? OptionalInt(string key) => Get(key) is { } v
        ? v.AsInteger() is long n && n > 0 && n <= int.MaxValue ? (int)n : throw Bad(key, $"must be a positive integer, found {v.Type} {v}")
        : null;
    public int RequiredInt(string key) => OptionalInt(key) ?? throw Bad(key, "is missing");

    public double? OptionalReal(string key) => Get(key) is { } v
        ? v.AsReal() ?? throw Bad(key, $"must be a number, found {v.Type}")
        : null;
    public double RequiredReal(string key) => OptionalReal(key) ?? throw Bad(key, "is missing");
}
