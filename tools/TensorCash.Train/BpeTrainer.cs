using System.Text.RegularExpressions;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Train;

/// <summary>
/// Trains a GPT-2-style byte-level BPE vocabulary. Text is split with GPT-2's pre-tokenizer regex (the one a
/// tokenizer.json "ByteLevel" pre-tokenizer with use_regex and llama.cpp's "gpt2" pre-tokenizer apply), each piece
/// spelled in GPT-2's byte alphabet, and the most frequent adjacent pair is merged until the vocabulary is full.
/// Ties go to the ordinally smallest pair so the result depends on the corpus alone. Pair counts are recomputed
/// from the distinct words after every merge: about 15 k distinct words, so a few seconds for 4 k merges.
/// </summary>
public static partial class BpeTrainer
{
    public sealed record Vocabulary(string[] Tokens, string[] Merges);

    public static Vocabulary Train(IEnumerable<string> documents, int mergeCount)
    {
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var doc in documents)
            foreach (Match m in Gpt2Split().Matches(doc))
            {
                string spelled = ByteLevelAlphabet.EncodeUtf8(m.Value);
                wordCounts[spelled] = wordCounts.GetValueOrDefault(spelled) + 1;
            }

        var words = wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Symbols: kv.Key.Select(c => c.ToString()).ToList(), Count: kv.Value)).ToList();
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.Encode((byte)b).ToString()).ToList();
        var merges = new List<string>();
        for (int step = 0; step < mergeCount; step++)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    pairs[pair] = pairs.GetValueOrDefault(pair) + count;
                }
            if (pairs.Count == 0) break;
            var best = pairs.MaxBy(kv => kv.Value)!.Value;
            var (left, right) = pairs.Where(kv => kv.Value == best)
                .Select(kv => kv.Key).Order(PairComparer.Instance).First();
            string merged = left + right;
            tokens.Add(merged);
            merges.Add(left + " " + right);
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
        }
        return new Vocabulary(tokens.ToArray(), merges.ToArray());
    }

    private sealed class PairComparer : IComparer<(string, string)>
    {
        public static readonly PairComparer Instance = new();
        public int Compare((string, string) a, (string, string) b)
        {
            int c = string.CompareOrdinal(a.Item1, b.Item1);
            return c != 0 ? c : string.CompareOrdinal(a.Item2, b.Item2);
        }
    }

    // GPT-2's pre-tokenizer pattern (OpenAI's gpt-2 encoder.py, also tokenizers' ByteLevel use_regex).
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Split();
}
