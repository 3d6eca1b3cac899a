using TensorCash.Chain.Blocks;
using TensorCash.Chain.Serialization;
using TensorCash.Proof.Transcript;

namespace TensorCash.FuzzTargets;

/// <summary>
/// A block (header, transactions, proof bytes): Block.Deserialize, the round trip, the merkle root, and then the proof
/// through TranscriptCodec.Decode as BlockProofRules would (a proof that does not decode is the block's rule
/// violation, not a parser failure, so TranscriptFormatException is expected there).
/// </summary>
public static class BlockTarget
{
    public static FuzzTarget Create() => new("block", "Block.Deserialize + TranscriptCodec.Decode(proof)", Probe, typeof(ChainFormatException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        var block = Block.Deserialize(input);
        RoundTrip.Expect(input, block.Serialize(), "block");
        _ = block.Header.Hash;
        _ = MerkleTree.BlockRoot(block.Transactions, out _);
        if (block.Proof.Length == 0) return;
        try
        {
            TranscriptCodec.Decode(block.Proof);
        }
        catch (TranscriptFormatException)
        {
            // the block's own rejection reason, checked by BlockProofRules
        }
    }
}
