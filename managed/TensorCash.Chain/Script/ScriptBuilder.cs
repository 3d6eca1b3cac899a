namespace TensorCash.Chain.Script;

/// <summary>Builds scripts; every push uses its minimal encoding, the only one the interpreter accepts.</summary>
public sealed class ScriptBuilder
{
    private readonly List<byte> _bytes = [];

    public ScriptBuilder Op(Opcode opcode)
    {
        _bytes.Add((byte)opcode);
        return this;
    }

    /// <summary>Pushes <paramref name="data"/> as the stack sees it: OP_0, OP_1NEGATE or OP_1..OP_16 where one of
    /// those pushes the same bytes, else the shortest direct or PUSHDATA form.</summary>
    public ScriptBuilder Push(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) return Op(Opcode.OP_0);
        if (data.Length == 1 && data[0] is >= 1 and <= 16) return Op(Opcode.OP_1 + (byte)(data[0] - 1));
        if (data.Length == 1 && data[0] == 0x81) return Op(Opcode.OP_1NEGATE);
        if (data.Length < (int)Opcode.OP_PUSHDATA1)
        {
            _bytes.Add((byte)data.Length);
        }
        else if (data.Length <= 0xFF)
        {
            _bytes.Add((byte)Opcode.OP_PUSHDATA1);
            _bytes.Add((byte)data.Length);
        }
        else if (data.Length <= 0xFFFF)
        {
            _bytes.Add((byte)Opcode.OP_PUSHDATA2);
            _bytes.Add((byte)data.Length);
            _bytes.Add((byte)(data.Length >> 8));
        }
        else
        {
            _bytes.Add((byte)Opcode.OP_PUSHDATA4);
            for (int shift = 0; shift < 32; shift += 8) _bytes.Add((byte)(data.Length >> shift));
        }
        _bytes.AddRange(data);
        return this;
    }

    /// <summary>Pushes a script number (OP_0, OP_1NEGATE, OP_1..OP_16 for small values).</summary>
    public ScriptBuilder Number(long value) => Push(ScriptNum.Encode(value));

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>
    /// MINIMALDATA: true if <paramref name="opcode"/> is the encoding <see cref="Push"/> would choose for
    /// <paramref name="data"/>. <paramref name="data"/> is what the push instruction carries (empty for OP_N).
    /// </summary>
    public static bool IsMinimalPush(Opcode opcode, ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) return opcode == Opcode.OP_0;
        if (data.Length == 1 && data[0] is >= 1 and <= 16) return false; // should have been OP_1..OP_16
        if (data.Length == 1 && data[0] == 0x81) return false;           // should have been OP_1NEGATE
        if (data.Length < (int)Opcode.OP_PUSHDATA1) return (int)opcode == data.Length;
        if (data.Length <= 0xFF) return opcode == Opcode.OP_PUSHDATA1;
        if (data.Length <= 0xFFFF) return opcode == Opcode.OP_PUSHDATA2;
        return true;
    }
}
