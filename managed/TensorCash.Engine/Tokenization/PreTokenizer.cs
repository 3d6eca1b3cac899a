namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The tokenizer.json "pre_tokenizer": splits normalized text into words that BPE encodes independently (and may
/// rewrite them, as ByteLevel does). Without one, a whole section between added tokens is a single BPE word.
/// </summary>
internal abstract class PreTokenizer
{
    /// <summary>Appends the words of <paramref name="piece"/> to <paramref name="output"/>.</summary>
    /// <param name="atTextStart">The piece begins the input text (Metaspace's "first" prepend scheme needs this).</param>
    public abstract void Split(string piece, bool atTextStart, List<string> output);

    /// <summary>GPT-2's pattern, used by a ByteLevel pre-tokenizer with use_regex = true.</summary>
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static PreTokenizer? FromJson(TokenizerJson? json)
    {
        if (json is not { } j) return null;
        string type = j.TypeName;
        return type switch
        {
            "Sequence" => new SequencePreTokenizer(j.Required("pretokenizers").Items().Select(p => FromJson(p)!).ToArray()),
            "Split" => new RegexSplitPreTokenizer(
                SplitPattern.FromJson(j.Required("pattern")),
                ParseBehavior(j.Required("behavior")),
                j.OptionalBool("invert", false)),
            "ByteLevel" => new ByteLevelPreTokenizer(
                j.OptionalBool("add_prefix_space", true),
                j.OptionalBool("use_regex", true) ? new CodePointRegex(Gpt2Pattern) : null),
            "Metaspace" => MetaspacePreTokenizer.FromJson(j),
            _ => throw j.Error($"unsupported pre_tokenizer type '{type}' (supported: Sequence, Split, ByteLevel, Metaspace)"),
        };
    }

    private static SplitBehavior ParseBehavior(TokenizerJson json) => json.AsString() switch
    {
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        var other => throw json.Error($"unknown split behavior '{other}'"),
    };

    private sealed class SequencePreTokenizer(PreTokenizer[] parts) : PreTokenizer
    {
        public override void Split(string piece, bool atTextStart, List<string> output)
        {
            var current = new List<string> { piece };
            foreach (var part in parts)
            {
                var next = new List<string>(current.Count * 2);
                for (int i = 0; i < current.Count; i++) part.Split(current[i], atTextStart && i == 0, next);
                current = next;
            }
            output.AddRange(current);
        }
    }

    private sealed class RegexSplitPreTokenizer(SplitPattern pattern, SplitBehavior behavior, bool invert) : PreTokenizer
    {
        public override void Split(string piece, bool atTextStart, List<string> output)
        {
            // With invert the matches are the words and the text between them is the delimiter.
            var segments = new List<(int Start, int Length, bool IsDelimiter)>();
            int pos = 0;
            foreach (var (start, length) in pattern.Matches(piece))
            {
                if (start > pos) segments.Add((pos, start - pos, invert));
                segments.Add((start, length, !invert));
                pos = start + length;
            }
            if (pos < piece.Length) segments.Add((pos, piece.Length - pos, invert));
            DelimiterSplitter.Apply(piece, segments, behavior, output);
        }
    }

    private sealed class ByteLevelPreTokenizer(bool addPrefixSpace, CodePointRegex? gpt2Regex) : PreTokenizer
    {
        public override void Split(string piece, bool atTextStart, List<string> output)
        {
            if (addPrefixSpace && !piece.StartsWith(' ')) piece = " " + piece;
            if (gpt2Regex is null)
            {
                output.Add(ByteLevelAlphabet.EncodeUtf8(piece));
                return;
            }
            foreach (var (start, length) in gpt2Regex.Matches(piece))
                output.Add(ByteLevelAlphabet.EncodeUtf8(piece.Substring(start, length)));
        }
    }
}
