using System.Globalization;
using System.Text;
using TensorCash.Chain.Script;

namespace TensorCash.Tests.Chain.Script;

/// <summary>
/// The text script notation of Bitcoin Core's script tests, so tests read like scripts: decimal numbers push a
/// script number (OP_0, OP_1NEGATE, OP_1..OP_16 when small), 0x.. inserts raw bytes verbatim (to write
/// non-minimal or malformed pushes on purpose), 'text' pushes ASCII, and opcode names appear with or without "OP_".
/// </summary>
internal static class ScriptAsm
{
    private static readonly Dictionary<string, Opcode> Names = BuildNames();

    public static byte[] Parse(string text)
    {
        var bytes = new List<byte>();
        foreach (var word in text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
                bytes.AddRange(new ScriptBuilder().Number(number).ToArray());
            else if (word.StartsWith("0x", StringComparison.Ordinal) && word.Length > 2)
                bytes.AddRange(Convert.FromHexString(word[2..]));
            else if (word.Length >= 2 && word[0] == '\'' && word[^1] == '\'')
                bytes.AddRange(DirectPush(Encoding.ASCII.GetBytes(word[1..^1])));
            else if (Names.TryGetValue(word, out var opcode))
                bytes.Add((byte)opcode);
            else
                throw new FormatException($"'{word}' is not a number, 0x bytes, 'text' or an opcode name");
        }
        return bytes.ToArray();
    }

    // Core's test notation pushes strings with the shortest length prefix but never as OP_N.
    private static byte[] DirectPush(byte[] data)
    {
        if (data.Length < (int)Opcode.OP_PUSHDATA1) return [(byte)data.Length, .. data];
        if (data.Length <= 0xFF) return [(byte)Opcode.OP_PUSHDATA1, (byte)data.Length, .. data];
        return [(byte)Opcode.OP_PUSHDATA2, (byte)data.Length, (byte)(data.Length >> 8), .. data];
    }

    private static Dictionary<string, Opcode> BuildNames()
    {
        var names = new Dictionary<string, Opcode>(StringComparer.Ordinal);
        foreach (var opcode in Enum.GetValues<Opcode>())
        {
            var name = opcode.ToString();
            names[name] = opcode;
            // Short names only where they cannot be mistaken for numbers (Core's rule).
            if (opcode >= Opcode.OP_NOP || opcode == Opcode.OP_RESERVED) names[name[3..]] = opcode;
        }
        names["OP_NOP2"] = names["NOP2"] = Opcode.OP_CHECKLOCKTIMEVERIFY;
        names["OP_NOP3"] = names["NOP3"] = Opcode.OP_CHECKSEQUENCEVERIFY;
        names["OP_FALSE"] = Opcode.OP_0;
        names["OP_TRUE"] = Opcode.OP_1;
        return names;
    }
}
