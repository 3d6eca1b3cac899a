using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// llama.cpp's byte-level BPE ("gpt2" GGUF) merge loop for one pre-tokenized word already spelled in the byte-level
/// alphabet. Symbols start as single characters; the adjacent pair with the lowest merge rank merges first (ties:
/// leftmost); candidates whose sides changed since they were queued are dropped. With ignore_merges (Llama-3) a word
/// that is a token as a whole is taken as is. A final symbol that is not a token falls back to its single-byte
/// characters that are tokens, as llama.cpp does (unreachable with a complete byte alphabet).
/// </summary>
internal sealed class ByteLevelMerger
{
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<(string Left, string Right), int> _ranks = new();
    private readonly bool _ignoreMerges;

    public ByteLevelMerger(Dictionary<string, int> tokenToId, (string Left, string Right)[] merges, bool ignoreMerges)
    {
        _tokenToId = tokenToId;
        _ignoreMerges = ignoreMerges;
        for (int rank = 0; rank < merges.Length; rank++) _ranks.TryAdd(merges[rank], rank);
    }

    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _tokenToId.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            return;
        }
        var starts = new int[word.Length];
        for (int i = 0; i < starts.Length; i++) starts[i] = i;
        var symbols = SymbolChain.Merge(starts, word.Length, (int left, int leftLength, int rightLength, out int rank) =>
            _ranks.TryGetValue((word.Substring(left, leftLength), word.Substring(left + leftLength, rightLength)), out rank));

        foreach (var (start, length) in symbols)
        {
            string symbol = word.Substring(start, length);
            if (_tokenToId.TryGetValue(symbol, out int id)) output.Add(id);
            else
                foreach (byte b in Encoding.UTF8.GetBytes(symbol))
                    if (b < 0x80 && _tokenToId.TryGetValue(((char)b).ToString(), out int single)) output.Add(single);
        }
    }
}
