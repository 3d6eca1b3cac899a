using System.Collections.Concurrent;
using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The BPE "model" of a tokenizer.json: vocabulary, ranked merges, unknown-token and byte-fallback handling.
/// Encodes one pre-tokenized word at a time. Merging uses a priority queue keyed by (rank, position) over a
/// doubly linked list of symbols, so a word of n characters costs O(n log n) — SentencePiece-style files have no
/// pre-tokenizer and hand whole paragraphs to BPE as one word.
/// </summary>
internal sealed class BpeModel
{
    private const int MaxCachedWordLength = 256;
    private const int MaxCacheEntries = 100_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly int[]? _byteFallbackIds;
    private readonly bool _ignoreMerges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    private BpeModel(Dictionary<string, int> vocab, Dictionary<long, (int, int)> merges, int? unkId, bool fuseUnk,
        int[]? byteFallbackIds, bool ignoreMerges)
    {
        _vocab = vocab;
        _merges = merges;
        _unkId = unkId;
        _fuseUnk = fuseUnk;
        _byteFallbackIds = byteFallbackIds;
        _ignoreMerges = ignoreMerges;
    }

    public static BpeModel FromJson(TokenizerJson json)
    {
        // Dropout only matters when training; inference is deterministic, so the field is accepted and not used.
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (json.OptionalString(affix) is { Length: > 0 } value)
                throw json.Required(affix).Error($"BPE with a non-empty {affix} (\"{value}\") is not supported");

        var vocabJson = json.Required("vocab");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, idJson) in vocabJson.Members())
        {
            int id = idJson.AsInt();
            if (id < 0) throw idJson.Error($"negative token id {id}");
            vocab[token] = id;
        }

        var mergesJson = json.Required("merges");
        var merges = new Dictionary<long, (int, int)>(mergesJson.ArrayLength);
        int rank = 0;
        foreach (var m in mergesJson.Items())
        {
            var (left, right) = ParseMerge(m);
            if (!vocab.TryGetValue(left, out int leftId)) throw m.Error($"merge uses \"{left}\", which is not in the vocabulary");
            if (!vocab.TryGetValue(right, out int rightId)) throw m.Error($"merge uses \"{right}\", which is not in the vocabulary");
            if (!vocab.TryGetValue(left + right, out int newId)) throw m.Error($"merge result \"{left + right}\" is not in the vocabulary");
            merges.TryAdd(PairKey(leftId, rightId), (rank, newId));
            rank++;
        }

        int? unkId = null;
        if (json.OptionalString("unk_token") is { } unk)
        {
            if (!vocab.TryGetValue(unk, out int id)) throw json.Required("unk_token").Error($"unk_token \"{unk}\" is not in the vocabulary");
            unkId = id;
        }

        int[]? byteIds = null;
        if (json.OptionalBool("byte_fallback", false))
        {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++)
            {
                string name = ByteFallbackToken(b);
                if (!vocab.TryGetValue(name, out byteIds[b]))
                    throw json.Required("byte_fallback").Error($"byte_fallback is on but the vocabulary has no {name} token");
            }
        }

        return new BpeModel(vocab, merges, unkId, json.OptionalBool("fuse_unk", false), byteIds, json.OptionalBool("ignore_merges", false));
    }

    /// <summary>The vocabulary entry byte fallback uses for byte <paramref name="b"/>: "&lt;0x0A&gt;" and so on.</summary>
    public static string ByteFallbackToken(int b) => $"<0x{b:X2}>";

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            return;
        }
        bool cacheable = word.Length <= MaxCachedWordLength;
        if (cacheable && _cache.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var ids = Merge(word);
        if (cacheable)
        {
            if (_cache.Count >= MaxCacheEntries) _cache.Clear();
            _cache.TryAdd(word, ids);
        }
        output.AddRange(ids);
    }

    private int[] Merge(string word)
    {
        var symbols = InitialSymbols(word);
        int n = symbols.Count;
        if (n <= 1) return symbols.ToArray();

        var ids = symbols.ToArray();
        var prev = new int[n];
        var next = new int[n];
        for (int i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        // Entries go stale when a neighbour merges first; they are recognised on pop by the ids no longer matching.
        var queue = new PriorityQueue<(int Pos, int Left, int Right, int NewId), (int Rank, int Pos)>();
        void Offer(int pos)
        {
            int right = next[pos];
            if (right >= 0 && _merges.TryGetValue(PairKey(ids[pos], ids[right]), out var m))
                queue.Enqueue((pos, ids[pos], ids[right], m.NewId), (m.Rank, pos));
        }
        for (int i = 0; i + 1 < n; i++) Offer(i);

        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Pos;
            if (ids[pos] != top.Left) continue;
            int right = next[pos];
            if (right < 0 || ids[right] != top.Right) continue;

            ids[pos] = top.NewId;
            ids[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) prev[after] = pos;

            if (prev[pos] >= 0) Offer(prev[pos]);
            Offer(pos);
        }

        var result = new List<int>(n);
        for (int i = 0; i >= 0; i = next[i]) result.Add(ids[i]);
        return result.ToArray();
    }

    private List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        bool previousWasUnk = false;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < word.Length;)
        {
            int len = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            string ch = word.Substring(i, len);
            i += len;
            if (_vocab.TryGetValue(ch, out int id))
            {
                symbols.Add(id);
                previousWasUnk = false;
            }
            else if (_byteFallbackIds is not null)
            {
                var rune = Rune.TryGetRuneAt(ch, 0, out var r) ? r : Rune.ReplacementChar;
                int count = rune.EncodeToUtf8(utf8);
                for (int b = 0; b < count; b++) symbols.Add(_byteFallbackIds[utf8[b]]);
                previousWasUnk = false;
            }
            else if (_unkId is { } unk)
            {
                if (!(_fuseUnk && previousWasUnk)) symbols.Add(unk);
                previousWasUnk = true;
            }
            else
            {
                throw new UntokenizableTextException(
                    $"Cannot tokenize U+{(Rune.TryGetRuneAt(ch, 0, out var bad) ? bad.Value : ch[0]):X4}: it is not in the vocabulary and the tokenizer has neither byte fallback nor an unk_token.");
            }
        }
        return symbols;
    }

    internal static (string Left, string Right) ParseMerge(TokenizerJson m)
    {
        if (m.Kind == System.Text.Json.JsonValueKind.Array)
        {
            var parts = m.Items().Select(p => p.AsString()).ToArray();
            if (parts.Length != 2) throw m.Error($"a merge must have 2 parts, found {parts.Length}");
            return (parts[0], parts[1]);
        }
        string s = m.AsString();
        int space = s.IndexOf(' ');
        if (space <= 0 || space == s.Length - 1 || s.IndexOf(' ', space + 1) >= 0)
            throw m.Error($"a merge string must be two tokens separated by one space, found \"{s}\"");
        return (s[..space], s[(space + 1)..]);
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;
}
