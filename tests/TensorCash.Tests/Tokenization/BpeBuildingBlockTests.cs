using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

/// <summary>Small hand-written tokenizer.json files for the features the real vocabularies do not exercise.</summary>
public class BpeBuildingBlockTests
{
    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static BpeTokenizer Build(object? normalizer, object? preTokenizer, Dictionary<string, int> vocab, string[] merges,
        object[]? addedTokens = null, object? postProcessor = null, object? decoder = null, string? unk = null, bool fuseUnk = false)
    {
        var root = new Dictionary<string, object?>
        {
            ["normalizer"] = normalizer,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = postProcessor,
            ["decoder"] = decoder,
            ["added_tokens"] = addedTokens ?? [],
            ["model"] = new Dictionary<string, object?>
            {
                ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = merges, ["unk_token"] = unk, ["fuse_unk"] = fuseUnk,
            },
        };
        return TokenizerLoader.FromJson(Json(root), "synthetic.json");
    }

    private static Dictionary<string, int> Vocab(params string[] tokens) =>
        tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);

    [Test]
    public void PriorityQueueMergeEqualsNaiveLowestRankLeftmostMerging()
    {
        var gen =
            from mergeSeeds in Gen.ListOf(Gen.Choose(0, 10_000).Two(), 12)
            from words in Gen.NonEmptyListOf(Gen.Elements('a', 'b', 'c').ListOf().Select(cs => new string(cs.ToArray())))
            select (mergeSeeds.ToArray(), words.ToArray());

        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (seeds, words) = input;
            var tokens = new List<string> { "a", "b", "c" };
            var merges = new List<(string, string)>();
            foreach (var (x, y) in seeds)
            {
                var pair = (tokens[x % tokens.Count], tokens[y % tokens.Count]);
                if (merges.Contains(pair) || tokens.Contains(pair.Item1 + pair.Item2)) continue;
                merges.Add(pair);
                tokens.Add(pair.Item1 + pair.Item2);
            }
            var tokenizer = Build(null, null, Vocab(tokens.ToArray()), merges.Select(m => $"{m.Item1} {m.Item2}").ToArray());
            foreach (var word in words)
            {
                var expected = NaiveMerge(word, merges).Select(t => tokens.IndexOf(t));
                if (!tokenizer.Encode(word, addSpecialTokens: false).SequenceEqual(expected)) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static List<string> NaiveMerge(string word, List<(string, string)> merges)
    {
        var symbols = word.Select(c => c.ToString()).ToList();
        while (true)
        {
            int bestRank = int.MaxValue, bestPos = -1;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                int rank = merges.IndexOf((symbols[i], symbols[i + 1]));
                if (rank >= 0 && rank < bestRank) (bestRank, bestPos) = (rank, i);
            }
            if (bestPos < 0) return symbols;
            symbols[bestPos] += symbols[bestPos + 1];
            symbols.RemoveAt(bestPos + 1);
        }
    }

    [Test]
    public void LongWordMergesInNearLinearTime()
    {
        // A SentencePiece-style file hands a whole paragraph to BPE as one word; 200k symbols must not go quadratic.
        var tokenizer = Build(null, null, Vocab("a", "b", "ab", "abab"), ["a b", "ab ab"]);
        string word = string.Concat(Enumerable.Repeat("ab", 100_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ids = tokenizer.Encode(word, addSpecialTokens: false);
        Assert.That(ids, Has.Length.EqualTo(50_000).And.All.EqualTo(3));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void MetaspacePreTokenizerAndDecoderOlderSentencePieceForm()
    {
        var metaspace = new { type = "Metaspace", replacement = "▁", add_prefix_space = true };
        var tokenizer = Build(null, metaspace, Vocab("▁", "H", "i", "▁H", "▁Hi", "▁i"), ["▁ H", "▁H i", "▁ i"], decoder: metaspace);
        Assert.That(tokenizer.Encode("Hi i", false), Is.EqualTo(new[] { 4, 5 }));
        // A leading space is not doubled: the prefix is only added when the piece does not start with '▁' already.
        Assert.That(tokenizer.Encode(" Hi", false), Is.EqualTo(new[] { 4 }));
        Assert.That(tokenizer.Decode([4, 5]), Is.EqualTo("Hi i"));
    }

    [Test]
    public void AddedTokensHonourLStripRStripAndSingleWord()
    {
        object[] added =
        [
            new { id = 3, content = "<m>", special = true, lstrip = true, rstrip = true, single_word = false, normalized = false },
            new { id = 4, content = "ab", special = false, lstrip = false, rstrip = false, single_word = true, normalized = false },
        ];
        var tokenizer = Build(null, null, Vocab("a", "b", " "), [], added);
        Assert.That(tokenizer.Encode("a  <m>  b", false), Is.EqualTo(new[] { 0, 3, 1 }), "whitespace around <m> is swallowed");
        Assert.That(tokenizer.Encode("ab a ab", false), Is.EqualTo(new[] { 4, 2, 0, 2, 4 }));
        Assert.That(tokenizer.Encode("aab", false), Is.EqualTo(new[] { 0, 0, 1 }), "single_word token inside a word is not matched");
        Assert.That(tokenizer.Decode([0, 3, 4], skipSpecialTokens: true), Is.EqualTo("a ab"), "no decoder: tokens joined by spaces");
    }

    [Test]
    public void LongestAddedTokenWinsAtAPosition()
    {
        object[] added =
        [
            new { id = 2, content = "<|a|>", special = true, normalized = false },
            new { id = 3, content = "<|a|><|b|>", special = true, normalized = false },
        ];
        var tokenizer = Build(null, null, Vocab("x", "y"), [], added);
        Assert.That(tokenizer.Encode("x<|a|><|b|>y<|a|>", false), Is.EqualTo(new[] { 0, 3, 1, 2 }));
    }

    [Test]
    public void UnknownCharactersFuseIntoOneUnkToken()
    {
        var tokenizer = Build(null, null, Vocab("<unk>", "a"), [], unk: "<unk>", fuseUnk: true);
        Assert.That(tokenizer.Encode("a€€a€", false), Is.EqualTo(new[] { 1, 0, 1, 0 }));
    }

    [Test]
    public void WithoutUnkOrByteFallbackAnUnknownCharacterIsAClearError()
    {
        var tokenizer = Build(null, null, Vocab("a"), []);
        var e = Assert.Throws<UntokenizableTextException>(() => tokenizer.Encode("a€"));
        Assert.That(e!.Message, Does.Contain("U+20AC"));
    }

    [Test]
    public void TemplateProcessingAddsPrefixAndSuffix()
    {
        var post = new
        {
            type = "TemplateProcessing",
            single = new object[] { new { SpecialToken = new { id = "<bos>", type_id = 0 } }, new { Sequence = new { id = "A", type_id = 0 } }, new { SpecialToken = new { id = "<eos>", type_id = 0 } } },
            special_tokens = new Dictionary<string, object> { ["<bos>"] = new { id = "<bos>", ids = new[] { 1 } }, ["<eos>"] = new { id = "<eos>", ids = new[] { 2 } } },
        };
        object[] added = [new { id = 1, content = "<bos>", special = true }, new { id = 2, content = "<eos>", special = true }];
        var tokenizer = Build(null, null, Vocab("a", "<bos>", "<eos>"), [], added, post);
        Assert.That(tokenizer.Encode("aa"), Is.EqualTo(new[] { 1, 0, 0, 2 }));
        Assert.That(tokenizer.Encode("aa", addSpecialTokens: false), Is.EqualTo(new[] { 0, 0 }));
        Assert.That(tokenizer.BosTokenId, Is.EqualTo(1));
    }

    [TestCase("Removed", new[] { "the", "final", "countdown" })]
    [TestCase("Isolated", new[] { "the", "-", "final", "-", "-", "countdown" })]
    [TestCase("MergedWithPrevious", new[] { "the-", "final-", "-", "countdown" })]
    [TestCase("MergedWithNext", new[] { "the", "-final", "-", "-countdown" })]
    [TestCase("Contiguous", new[] { "the", "-", "final", "--", "countdown" })]
    public void DelimiterBehavioursMatchTheHuggingFaceDocumentation(string behavior, string[] expected)
    {
        const string text = "the-final--countdown";
        var segments = new List<(int, int, bool)>();
        int pos = 0;
        foreach (var (start, length) in new CodePointRegex("-").Matches(text))
        {
            if (start > pos) segments.Add((pos, start - pos, false));
            segments.Add((start, length, true));
            pos = start + length;
        }
        segments.Add((pos, text.Length - pos, false));
        var output = new List<string>();
        DelimiterSplitter.Apply(text, segments, Enum.Parse<SplitBehavior>(behavior), output);
        Assert.That(output, Is.EqualTo(expected));
    }

    [Test]
    public void RegexSeesCharactersOutsideTheBmpAsSingleCodePoints()
    {
        string digits = "𝟏𝟐𝟑𝟒"; // four mathematical digits, two UTF-16 units each
        Assert.That(new CodePointRegex(@"\p{N}{1,3}").Matches(digits), Is.EqualTo(new[] { (0, 6), (6, 2) }));
        Assert.That(new CodePointRegex(@"\p{L}+").Matches("x𝔘𝔫y 🤖"), Is.EqualTo(new[] { (0, 6) }));
        Assert.That(new CodePointRegex(@"[^\s\p{L}\p{N}]+").Matches("a🤖👍b"), Is.EqualTo(new[] { (1, 4) }));
    }

    [Test]
    public void ByteLevelAlphabetIsABijectionOverBytes()
    {
        var chars = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.Encode((byte)b)).ToList();
        Assert.That(chars.Distinct().Count(), Is.EqualTo(256));
        Assert.That(ByteLevelAlphabet.Encode((byte)' '), Is.EqualTo('Ġ'));
        Assert.That(ByteLevelAlphabet.Encode((byte)'\n'), Is.EqualTo('Ċ'));
        Assert.That(chars.Select(c => ByteLevelAlphabet.TryDecode(c, out byte b) ? b : -1), Is.EqualTo(Enumerable.Range(0, 256)));
    }
}
