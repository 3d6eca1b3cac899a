using System.Collections.Concurrent;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

/// <summary>
/// GGUF files embedding the fixture vocabularies, built the way bench/llamacpp/tokenizer-ids.mjs built the files
/// llama.cpp tokenized (HfToGgufVocabulary, the code behind `tensorcash model random --tokenizer`), but metadata only:
/// the tokenizer does not need tensors. gguf-llamacpp-ids.json holds llama.cpp's results.
/// </summary>
internal static class GgufTokenizerFixtures
{
    private static readonly ConcurrentDictionary<string, Lazy<GgufTokenizer>> Loaded = new();
    private static readonly Lazy<Expected> Reference = new(Read);

    public static GgufTokenizer Load(string vocabulary) => Loaded.GetOrAdd(vocabulary, v => new Lazy<GgufTokenizer>(() =>
    {
        var converted = HfToGgufVocabulary.Convert(Path.Combine(TokenizerFixtures.Directory, v));
        string path = Path.Combine(Path.GetTempPath(), $"tc-gguf-tokenizer-{v}-{Guid.NewGuid():N}.gguf");
        try
        {
            WriteMetadataOnly(path, converted.Metadata().ToList());
            return GgufTokenizer.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    })).Value;

    public static void WriteMetadataOnly(string path, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata)
    {
        using var file = File.Create(path);
        GgufFileWriter.Write(file, [new("general.architecture", GgufValue.Of("llama")), .. metadata], []);
    }

    public static IReadOnlyList<string> CaseNames => Reference.Value.Texts.Select(t => t.Name).ToList();
    public static string Text(string name) => Reference.Value.Texts.Single(t => t.Name == name).Text;
    public static VocabularyResult Result(string vocabulary) => Reference.Value.Vocabularies[vocabulary];

    public sealed record Case(string Name, int[] Ids, int[] IdsWithoutParsingSpecial, string Detokenized);
    public sealed record VocabularyResult(int VocabularyType, int Bos, int Eos, bool AddBos, bool AddEos, Dictionary<string, Case> Cases);
    private sealed record Expected(List<(string Name, string Text)> Texts, Dictionary<string, VocabularyResult> Vocabularies);

    private static Expected Read()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TokenizerFixtures.Directory, "gguf-llamacpp-ids.json")));
        var texts = doc.RootElement.GetProperty("texts").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("text").GetString()!)).ToList();
        var vocabularies = new Dictionary<string, VocabularyResult>();
        foreach (var v in doc.RootElement.GetProperty("vocabularies").EnumerateObject())
        {
            var cases = v.Value.GetProperty("cases").EnumerateArray().Select(c => new Case(
                c.GetProperty("name").GetString()!, Ints(c.GetProperty("ids")), Ints(c.GetProperty("idsWithoutParsingSpecial")),
                c.GetProperty("detokenized").GetString()!)).ToDictionary(c => c.Name);
            vocabularies[v.Name] = new VocabularyResult(v.Value.GetProperty("vocabularyType").GetInt32(),
                v.Value.GetProperty("bos").GetInt32(), v.Value.GetProperty("eos").GetInt32(),
                v.Value.GetProperty("addBos").GetBoolean(), v.Value.GetProperty("addEos").GetBoolean(), cases);
        }
        return new Expected(texts, vocabularies);
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
