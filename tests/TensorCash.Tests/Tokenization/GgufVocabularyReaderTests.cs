using NUnit.Framework;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

/// <summary>Each way tokenizer.ggml.* metadata can be wrong is refused with a message naming the key; and the llama.cpp
/// rules that do not need a real vocabulary (space prefix, partition order, byte fallback, defaults).</summary>
public class GgufVocabularyReaderTests
{
    private static Dictionary<string, GgufValue> Spm()
    {
        // A SentencePiece vocabulary: <unk> <s> </s>, bytes <0x00>..<0xFF>, then ▁, a, b, ▁a, ab, ▁ab.
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { 2, 3, 3 };
        for (int b = 0; b < 256; b++) { tokens.Add($"<0x{b:X2}>"); types.Add(6); }
        string[] pieces = ["▁", "a", "b", "▁a", "ab", "▁ab"];
        tokens.AddRange(pieces);
        types.AddRange(pieces.Select(_ => 1));
        var scores = tokens.Select((t, i) => t switch { "▁a" => -1f, "ab" => -2f, "▁ab" => -3f, _ => -100f - i }).ToArray();
        return new Dictionary<string, GgufValue>
        {
            ["tokenizer.ggml.model"] = GgufValue.Of("llama"),
            ["tokenizer.ggml.tokens"] = GgufValue.Array(GgufValueType.String, tokens),
            ["tokenizer.ggml.token_type"] = GgufValue.Array(GgufValueType.Int32, types.Cast<object>()),
            ["tokenizer.ggml.scores"] = GgufValue.Array(GgufValueType.Float32, scores.Cast<object>()),
            ["tokenizer.ggml.bos_token_id"] = GgufValue.Of(1u),
            ["tokenizer.ggml.eos_token_id"] = GgufValue.Of(2u),
        };
    }

    private static Dictionary<string, GgufValue> Bpe() => GgufVocabulary.ByteLevel(260).Metadata().ToDictionary(kv => kv.Key, kv => kv.Value);

    private static string Refusal(Dictionary<string, GgufValue> metadata) =>
        Assert.Throws<TokenizerFormatException>(() => GgufVocabularyReader.Read(metadata, "test.gguf"))!.Message;

    [Test]
    public void UnknownModelIsRefused()
    {
        var m = Spm();
        m["tokenizer.ggml.model"] = GgufValue.Of("bert");
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.model'").And.Contain("'bert' is not supported"));
    }

    [Test]
    public void MissingTokensAreRefused()
    {
        var m = Spm();
        m.Remove("tokenizer.ggml.tokens");
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.tokens'").And.Contain("missing"));
    }

    [Test]
    public void ScoresOfTheWrongLengthAreRefused()
    {
        var m = Spm();
        m["tokenizer.ggml.scores"] = GgufValue.Array(GgufValueType.Float32, [1f, 2f]);
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.scores'").And.Contain("2 entries for 265 tokens"));
    }

    [Test]
    public void NonFiniteScoresAreRefused()
    {
        var m = Spm();
        var scores = new object[265];
        Array.Fill(scores, 0f);
        scores[7] = float.NaN;
        m["tokenizer.ggml.scores"] = GgufValue.Array(GgufValueType.Float32, scores);
        Assert.That(Refusal(m), Does.Contain("entry 7 is NaN"));
    }

    [Test]
    public void TokenTypesOutOfRangeAreRefused()
    {
        var m = Spm();
        var types = Enumerable.Repeat<object>(1, 265).ToArray();
        types[3] = 9;
        m["tokenizer.ggml.token_type"] = GgufValue.Array(GgufValueType.Int32, types);
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.token_type'").And.Contain("entry 3 is 9"));
    }

    [Test]
    public void TokenTypesOfTheWrongLengthAreRefused()
    {
        var m = Spm();
        m["tokenizer.ggml.token_type"] = GgufValue.Array(GgufValueType.Int32, [1]);
        Assert.That(Refusal(m), Does.Contain("integer array of 265 entries"));
    }

    [Test]
    public void AMergeWithoutASpaceIsRefused()
    {
        var m = Bpe();
        m["tokenizer.ggml.merges"] = GgufValue.Array(GgufValueType.String, ["ab"]);
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.merges'").And.Contain("entry 0 \"ab\""));
    }

    [Test]
    public void Gpt2WithoutMergesIsRefused()
    {
        var m = Bpe();
        m.Remove("tokenizer.ggml.merges");
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.merges'").And.Contain("missing"));
    }

    [Test]
    public void AnUnknownPreTokenizerIsRefused()
    {
        var m = Bpe();
        m["tokenizer.ggml.pre"] = GgufValue.Of("deepseek-coder");
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.pre'").And.Contain("'deepseek-coder' is not supported"));
    }

    [Test]
    public void SpecialIdsOutsideTheVocabularyAreRefused()
    {
        var m = Spm();
        m["tokenizer.ggml.eos_token_id"] = GgufValue.Of(265u);
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.eos_token_id'").And.Contain("not a token id in [0, 265)"));
    }

    [Test]
    public void AddBosWithoutABosTokenIsRefused()
    {
        var m = Bpe();
        m.Remove("tokenizer.ggml.bos_token_id");
        m["tokenizer.ggml.bos_token_id"] = GgufValue.Of(-1);
        m["tokenizer.ggml.add_bos_token"] = GgufValue.Of(true);
        Assert.That(Refusal(m), Does.Contain("'tokenizer.ggml.add_bos_token'").And.Contain("no BOS token"));
    }

    [Test]
    public void AFlagOfTheWrongTypeIsRefused()
    {
        var m = Bpe();
        m["tokenizer.ggml.add_bos_token"] = GgufValue.Of(1u);
        Assert.That(Refusal(m), Does.Contain("must be a boolean"));
    }

    [Test]
    public void TokensOfTheWrongTypeAreRefused()
    {
        var m = Bpe();
        m["tokenizer.ggml.tokens"] = GgufValue.Array(GgufValueType.Int32, [1, 2]);
        Assert.That(Refusal(m), Does.Contain("must be an array of String"));
    }

    [Test]
    public void SentencePieceDefaultsAreLlamaCpps()
    {
        var data = GgufVocabularyReader.Read(Spm(), "test.gguf");
        Assert.Multiple(() =>
        {
            Assert.That(data.AddBos, Is.True);
            Assert.That(data.AddEos, Is.False);
            Assert.That(data.AddSpacePrefix, Is.True);
            Assert.That(data.UnknownId, Is.EqualTo(0));
        });
    }

    [Test]
    public void SentencePieceMergesByScoreAndPrefixesASpace()
    {
        var tokenizer = new GgufTokenizer(GgufVocabularyReader.Read(Spm(), "test.gguf"));
        int Id(string t) => tokenizer.TokenToId(t)!.Value;
        Assert.Multiple(() =>
        {
            // "▁ab": ▁a (-1) beats ab (-2), then ▁a+b = ▁ab (-3).
            Assert.That(tokenizer.Encode("ab"), Is.EqualTo(new[] { 1, Id("▁ab") }));
            // After a special token the next fragment gets the space prefix again; characters outside the vocabulary become bytes.
            Assert.That(tokenizer.Tokenize("a</s>ab", addSpecial: false, parseSpecial: true), Is.EqualTo(new[] { Id("▁a"), 2, Id("▁ab") }));
            Assert.That(tokenizer.Tokenize("c", addSpecial: false, parseSpecial: true), Is.EqualTo(new[] { Id("▁"), Id("<0x63>") }));
            Assert.That(tokenizer.Decode(tokenizer.Encode("ab a"), skipSpecialTokens: true), Is.EqualTo("ab a"));
        });
    }

    [Test]
    public void LongerSpecialTokensAreCutOutFirst()
    {
        var m = Bpe();
        var tokens = ((GgufArray)m["tokenizer.ggml.tokens"].Value).Items.Cast<string>().ToArray();
        tokens[258] = "<x>";
        tokens[259] = "<x><x>";
        m["tokenizer.ggml.tokens"] = GgufValue.Array(GgufValueType.String, tokens);
        var types = Enumerable.Repeat<object>(1, 260).ToArray();
        types[258] = 4;
        types[259] = 4;
        m["tokenizer.ggml.token_type"] = GgufValue.Array(GgufValueType.Int32, types);
        var tokenizer = new GgufTokenizer(GgufVocabularyReader.Read(m, "test.gguf"));
        // User-defined tokens split even without parse_special; "<x><x>" is longer, so it wins over two "<x>".
        Assert.That(tokenizer.Tokenize("<x><x><x>", addSpecial: false, parseSpecial: false), Is.EqualTo(new[] { 259, 258 }));
    }

    [Test]
    public void ConvertingATokenizerWithoutByteLevelOrByteFallbackIsRefused()
    {
        string dir = Directory.CreateTempSubdirectory("tc-hf2gguf-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"),
                """{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]},"added_tokens":[{"id":3,"content":"</s>","special":true}]}""");
            var e = Assert.Throws<TokenizerFormatException>(() => HfToGgufVocabulary.Convert(dir))!;
            Assert.That(e.Message, Does.Contain("no GGUF tokenizer model fits"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
