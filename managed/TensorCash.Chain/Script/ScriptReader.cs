using System.Buffers.Binary;

namespace TensorCash.Chain.Script;

/// <summary>
/// Walks a script one instruction at a time: an opcode and, for pushes (0x00..0x4e), the bytes it pushes.
/// Nothing is copied; data slices point into the script.
/// </summary>
public ref struct ScriptReader(ReadOnlySpan<byte> script)
{
    private readonly ReadOnlySpan<byte> _script = script;

    /// <summary>Offset of the next instruction (after the last one read).</summary>
    public int Position { get; private set; }
    public readonly bool AtEnd => Position >= _script.Length;

    /// <summary>
    /// Reads the next instruction. False when the script ends inside a push (its length prefix or its data);
    /// Position is then left unchanged. Must not be called at the end.
    /// </summary>
    public bool TryRead(out Opcode opcode, out ReadOnlySpan<byte> data)
    {
        data = default;
        int pc = Position;
        opcode = (Opcode)_script[pc++];
        int size;
        if (opcode < Opcode.OP_PUSHDATA1)
        {
            size = (int)opcode;
        }
        else if (opcode == Opcode.OP_PUSHDATA1)
        {
            if (_script.Length - pc < 1) return false;
            size = _script[pc];
            pc += 1;
        }
        else if (opcode == Opcode.OP_PUSHDATA2)
        {
            if (_script.Length - pc < 2) return false;
            size = BinaryPrimitives.ReadUInt16LittleEndian(_script[pc..]);
            pc += 2;
        }
        else if (opcode == Opcode.OP_PUSHDATA4)
        {
            if (_script.Length - pc < 4) return false;
            uint size32 = BinaryPrimitives.ReadUInt32LittleEndian(_script[pc..]);
            if (size32 > int.MaxValue) return false;
            size = (int)size32;
            pc += 4;
        }
        else
        {
            Position = pc;
            return true;
        }
        if (_script.Length - pc < size) return false;
        data = _script.Slice(pc, size);
        Position = pc + size;
        return true;
    }

    /// <summary>True if every instruction parses and is a push or a number constant (OP_0..OP_16, incl. OP_RESERVED as Bitcoin does).</summary>
    public static bool IsPushOnly(ReadOnlySpan<byte> script)
    {
        var reader = new ScriptReader(script);
        while (!reader.AtEnd)
            if (!reader.TryRead(out var opcode, out _) || opcode > Opcode.OP_16) return false;
        return true;
    }
}
