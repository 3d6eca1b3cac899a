using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace TensorCash.Tests.Tokenization;

/// <summary>
/// Properties of the GGUF tokenizer on the real vocabularies, beyond the fixed llama.cpp texts: decoding what was
/// encoded gives the text back (special-token strings left as text), and every id is in the vocabulary.
/// </summary>
[TestFixtureSource(typeof(TokenizerFixtures), nameof(TokenizerFixtures.VocabularyNames))]
public class GgufTokenizerPropertyTests(string vocabulary)
{
    // Pieces chosen to cross merge boundaries: spaces and space runs, newlines, digits, apostrophes, accents, CJK,
    // emoji with ZWJ, characters outside the BMP, and a fragment of a special token.
    private static readonly Gen<string> Texts = Gen.Elements(
            " ", "  ", "\n", "\t", "a", "the", "The", " quick", "'s", "'LL", "0", "123", "4567", "é", "ü", "ß", "日本", "語",
            "🙂", "👩‍👧", "𝔘", "<", "|", ">", "<|", "im_", "Hello", ",", ".", "!?", "--", "\u00a0", "ʼ", "ab")
        .ArrayOf().Select(string.Concat);

    [Test]
    public void DecodeOfTokenizeGivesTheTextBack()
    {
        var tokenizer = GgufTokenizerFixtures.Load(vocabulary);
        Prop.ForAll(Texts.ToArbitrary(), text =>
        {
            var ids = tokenizer.Tokenize(text, addSpecial: false, parseSpecial: false);
            return ids.All(id => id >= 0 && id < tokenizer.VocabSize) && tokenizer.Decode(ids) == text;
        }).QuickCheckThrowOnFailure();
    }
}
