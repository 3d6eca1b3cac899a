using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The builtin model's tokenizer: one token per UTF-8 byte (ids 0-255), plus BOS = 256 and EOS = 257.
/// Needs no vocabulary file, so the builtin model runs without any download.
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    public const int Bos = 256;
    public const int Eos = 257;
    public const string BosText = "<s>";
    public const string EosText = "</s>";

    public int VocabSize => 258;
    public int? BosTokenId => Bos;
    public int? EosTokenId => Eos;

    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        int offset = addSpecialTokens ? 1 : 0;
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length + offset];
        if (addSpecialTokens) ids[0] = Bos;
        for (int i = 0; i < bytes.Length; i++) ids[i + offset] = bytes[i];
        return ids;
    }

    /// <summary>
    /// Invalid UTF-8 (a sequence cut short, stray continuation bytes) becomes U+FFFD. Ids outside 0-257 are skipped,
    /// like ids with no token in <see cref="BpeTokenizer"/>.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var sb = new StringBuilder(ids.Length);
        var run = new List<byte>(ids.Length);
        foreach (int id in ids)
        {
            if (id is >= 0 and < 256)
            {
                run.Add((byte)id);
                continue;
            }
            if (id is not (Bos or Eos) || skipSpecialTokens) continue;
            FlushBytes(run, sb);
            sb.Append(id == Bos ? BosText : EosText);
        }
        FlushBytes(run, sb);
        return sb.ToString();
    }

    private static void FlushBytes(List<byte> run, StringBuilder sb)
    {
        if (run.Count == 0) return;
        sb.Append(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(run)));
        run.Clear();
    }
}
