using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Blocks;

/// <summary>
/// A block: header, the VDF evidence that shows the header's v (the header extension: y || π, VdfProofCodec; empty
/// for genesis), transactions (the first is the coinbase), and the encoded proof-of-inference transcript
/// (TranscriptCodec "TSCP" bytes) whose winning window the header's commitment and nonce come from.
/// Encoding: header || CompactSize(vdf length) || vdf evidence || CompactSize(tx count) || transactions
/// || CompactSize(proof length) || proof.
/// </summary>
public sealed class Block(BlockHeader header, byte[] vdfProof, IReadOnlyList<Transaction> transactions, byte[] proof)
{
    /// <summary>
    /// DoS cap on the VDF evidence, checked while parsing: two forms at the largest discriminant the library admits
    /// (VdfDiscriminant.MaxBits = 4096: 2 · (2 · 256 + 1) bytes). The network's exact size is checked by the header rules.
    /// </summary>
    public const int MaxVdfProofBytes = 1026;

    /// <summary>
    /// DoS cap on the encoded transcript, checked while a block is parsed, before any rule: a proof is one window, so
    /// every registered profile's largest transcript (TranscriptCodec.MaxEncodedBytes: about 20 KB for builtin:tiny,
    /// 2.7 MB for W = 4096, K = 64) fits in 4 MiB; a test checks it for every network. The pinned profile's own bound is
    /// applied next, by BlockProofRules.
    /// </summary>
    public const int MaxProofBytes = 4 * 1024 * 1024;

    public BlockHeader Header { get; } = header;
    public byte[] VdfProof { get; } = vdfProof;
    public IReadOnlyList<Transaction> Transactions { get; } = transactions;
    public byte[] Proof { get; } = proof;

    /// <summary>Header plus transactions: what the block size limit counts (the proof and the VDF evidence have their own caps).</summary>
    public int TransactionBytes => BlockHeader.Size + ChainWriter.CompactSizeLength((ulong)Transactions.Count) + Transactions.Sum(t => t.SerializedSize);

    public byte[] Serialize()
    {
        var writer = new ChainWriter(TransactionBytes + VdfProof.Length + Proof.Length + 12);
        Header.WriteTo(writer);
        writer.VarBytes(VdfProof);
        writer.CompactSize((ulong)Transactions.Count);
        foreach (var tx in Transactions) tx.WriteTo(writer);
        writer.VarBytes(Proof);
        return writer.ToArray();
    }

    public static Block Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ChainReader(bytes);
        var header = BlockHeader.ReadFrom(ref reader);
        var vdfProof = reader.VarBytes("block VDF evidence", MaxVdfProofBytes);
        int count = (int)reader.CompactSize("block transaction count", (ulong)(reader.Remaining / 60));
        var transactions = new Transaction[count];
        for (int i = 0; i < count; i++) transactions[i] = Transaction.ReadFrom(ref reader);
        int proofLength = (int)reader.CompactSize("block proof length", MaxProofBytes);
        var proof = reader.Raw(proofLength, "block proof").ToArray();
        reader.ExpectEnd("block");
        return new Block(header, vdfProof, transactions, proof);
    }
}
