using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;

namespace TensorCash.Chain.Blocks;

/// <summary>
/// The 184-byte block header: Bitcoin's fields plus the model-adjusted target, the model id, the VDF tick (v, T) and
/// the proof commitment that replaces a free nonce.
/// <code>
///   offset size field
///        0    4 nVersion        i32
///        4   32 hashPrevBlock
///       36   32 hashMerkleRoot  (transactions only; the proof is committed through ProofCommitment)
///       68    4 nTime           u32 seconds
///       72    4 nBits           compact base target (ASERT)
///       76    4 nAdjBits        compact model-adjusted target T_adj
///       80   32 modelId         the registered model the proof ran
///      112   32 vdfOutput       v = SHA-256 of the VDF output y = g^(2^T), g seeded by hashPrevBlock (docs/protocol/vdf.md)
///      144    4 vdfTicks        T, the number of squarings: the network's consensus constant
///      ---- the 148-byte prefix ends here: B = SHA-256d(prefix) is the proof's chain binding ----
///      148   32 proofCommitment D_w of the winning window
///      180    4 nNonce          derived from D_w (ProofDigest.Nonce), never free
/// </code>
/// Because B covers the Merkle root, the transactions are fixed before inference starts. The VDF evidence (y, π) that
/// shows v is right travels next to the header (<see cref="Block.VdfProof"/>, and in headers messages), not in it:
/// v commits to y, and π is unique for y.
/// </summary>
public sealed record BlockHeader(
    int Version,
    Hash256 PrevBlock,
    Hash256 MerkleRoot,
    uint Time,
    uint Bits,
    uint AdjBits,
    Hash256 ModelId,
    Hash256 VdfOutput,
    uint VdfTicks,
    Hash256 ProofCommitment,
    uint Nonce)
{
    public const int Size = 184;
    public const int PrefixSize = 148;

    public byte[] Serialize()
    {
        var writer = new ChainWriter(Size);
        WriteTo(writer);
        return writer.ToArray();
    }

    public void WriteTo(ChainWriter writer)
    {
        WritePrefix(writer);
        writer.Hash(ProofCommitment).U32(Nonce);
    }

    private void WritePrefix(ChainWriter writer) =>
        writer.I32(Version).Hash(PrevBlock).Hash(MerkleRoot).U32(Time).U32(Bits).U32(AdjBits).Hash(ModelId).Hash(VdfOutput).U32(VdfTicks);

    /// <summary>The block hash: SHA-256d of all 184 bytes. Proof of work requires it to be at most T_adj.</summary>
    public Hash256 Hash => Hashes.Sha256d(Serialize());

    /// <summary>The proof's chain binding B: SHA-256d of the 148-byte prefix (everything but commitment and nonce).</summary>
    public Hash256 ProofBinding
    {
        get
        {
            var writer = new ChainWriter(PrefixSize);
            WritePrefix(writer);
            return Hashes.Sha256d(writer.Written);
        }
    }

    public static BlockHeader ReadFrom(ref ChainReader reader) => new(
        reader.I32("nVersion"), reader.Hash("hashPrevBlock"), reader.Hash("hashMerkleRoot"), reader.U32("nTime"),
        reader.U32("nBits"), reader.U32("nAdjBits"), reader.Hash("modelId"), reader.Hash("vdfOutput"), reader.U32("vdfTicks"), reader.Hash("proofCommitment"), reader.U32("nNonce"));

    public static BlockHeader Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ChainReader(bytes);
        var header = ReadFrom(ref reader);
        reader.ExpectEnd("block header");
        return header;
    }
}
