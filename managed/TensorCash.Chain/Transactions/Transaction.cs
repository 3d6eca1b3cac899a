using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;

namespace TensorCash.Chain.Transactions;

/// <summary>
/// A transaction in Bitcoin's legacy (pre-segwit) serialization: i32 version, CompactSize-prefixed inputs and
/// outputs, u32 lock time. txid = SHA-256d(serialization). Immutable; the txid and size are computed once.
/// </summary>
public sealed class Transaction
{
    /// <summary>DoS cap for decoding: no transaction can exceed the maximum block size anyway.</summary>
    public const int MaxSerializedBytes = 1_000_000;
    private const int MaxScriptBytes = 10_000;

    private Hash256? _txid;
    private int _size = -1;

    public Transaction(int version, IReadOnlyList<TxIn> inputs, IReadOnlyList<TxOut> outputs, uint lockTime)
    {
        Version = version;
        Inputs = inputs;
        Outputs = outputs;
        LockTime = lockTime;
    }

    public int Version { get; }
    public IReadOnlyList<TxIn> Inputs { get; }
    public IReadOnlyList<TxOut> Outputs { get; }
    public uint LockTime { get; }

    public bool IsCoinbase => Inputs.Count == 1 && Inputs[0].Prevout.IsNull;

    public Hash256 Txid => _txid ??= Hashes.Sha256d(Serialize());

    public int SerializedSize => _size >= 0 ? _size : (_size = Serialize().Length);

    public byte[] Serialize()
    {
        var writer = new ChainWriter(64 + 48 * Inputs.Count + 40 * Outputs.Count);
        WriteTo(writer);
        return writer.ToArray();
    }

    public void WriteTo(ChainWriter writer)
    {
        writer.I32(Version).CompactSize((ulong)Inputs.Count);
        foreach (var input in Inputs)
            writer.Hash(input.Prevout.Txid).U32(input.Prevout.Index).VarBytes(input.ScriptSig).U32(input.Sequence);
        writer.CompactSize((ulong)Outputs.Count);
        foreach (var output in Outputs)
            writer.I64(output.Value).VarBytes(output.ScriptPubKey);
        writer.U32(LockTime);
    }

    /// <summary>Decodes exactly one transaction; trailing bytes are an error.</summary>
    public static Transaction Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxSerializedBytes) throw new ChainFormatException($"transaction is {bytes.Length} bytes; the limit is {MaxSerializedBytes}");
        var reader = new ChainReader(bytes);
        var tx = ReadFrom(ref reader);
        reader.ExpectEnd("transaction");
        return tx;
    }

    public static Transaction ReadFrom(ref ChainReader reader)
    {
        int start = reader.Position;
        int version = reader.I32("tx version");
        // Each input is at least 41 bytes and each output at least 9, which bounds the counts before allocation.
        int inputCount = (int)reader.CompactSize("tx input count", (ulong)(reader.Remaining / 41));
        var inputs = new TxIn[inputCount];
        for (int i = 0; i < inputCount; i++)
        {
            var prevout = new OutPoint(reader.Hash("prevout txid"), reader.U32("prevout index"));
            var scriptSig = reader.VarBytes("scriptSig", MaxScriptBytes);
            inputs[i] = new TxIn(prevout, scriptSig, reader.U32("nSequence"));
        }
        int outputCount = (int)reader.CompactSize("tx output count", (ulong)(reader.Remaining / 9));
        var outputs = new TxOut[outputCount];
        for (int i = 0; i < outputCount; i++)
            outputs[i] = new TxOut(reader.I64("output value"), reader.VarBytes("scriptPubKey", MaxScriptBytes));
        uint lockTime = reader.U32("nLockTime");
        var tx = new Transaction(version, inputs, outputs, lockTime) { _size = reader.Position - start };
        return tx;
    }
}
