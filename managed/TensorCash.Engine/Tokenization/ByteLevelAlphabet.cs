namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The GPT-2 byte-to-unicode table used by byte-level BPE: every byte maps to one printable character so that
/// vocabulary entries and merges can be plain strings. Printable Latin-1 bytes map to themselves; the other 68
/// bytes (controls, space, NBSP, soft hyphen) map in order to U+0100 and up — which is why a space shows as 'Ġ'.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = BuildCharToByte();

    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The byte a character stands for, or false when the character is not in the byte alphabet.</summary>
    public static bool TryDecode(char c, out byte b) => CharToByte.TryGetValue(c, out b);

    /// <summary>Maps the UTF-8 bytes of <paramref name="text"/> to byte-alphabet characters.</summary>
    public static string EncodeUtf8(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, src) =>
        {
            for (int i = 0; i < src.Length; i++) span[i] = ByteToChar[src[i]];
        });
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++) map[ByteToChar[b]] = (byte)b;
        return map;
    }
}
