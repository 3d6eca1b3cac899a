namespace TensorCash.Chain.Vdf;

/// <summary>
/// The VDF evidence a block carries: enc(y) || enc(π), 2 · (2w + 1) bytes at the network's discriminant size
/// (<see cref="FormEncoding"/>). Decoding checks both forms before the proof is verified.
/// </summary>
public static class VdfProofCodec
{
    public static int EncodedBytes(int bits) => 2 * FormEncoding.EncodedBytes(bits);

    public static byte[] Encode(VdfResult result, int bits) =>
        [.. FormEncoding.Encode(result.Output, bits), .. FormEncoding.Encode(result.Proof, bits)];

    /// <summary>Decodes and verifies evidence for <paramref name="setup"/> and T; gives y when it holds.</summary>
    public static VdfResult? DecodeAndVerify(ReadOnlySpan<byte> bytes, VdfSetup setup, ulong ticks, out VdfRejection? rejection)
    {
        int formBytes = setup.FormBytes;
        if (bytes.Length != 2 * formBytes)
        {
            rejection = new(VdfRejectReason.Encoding, $"VDF evidence is {bytes.Length} bytes; at {setup.Bits} bits it is {2 * formBytes}");
            return null;
        }
        var y = FormEncoding.TryDecode(bytes[..formBytes], setup.Discriminant, setup.Bits, out rejection);
        if (y is null)
        {
            rejection = rejection! with { Message = $"output y: {rejection.Message}" };
            return null;
        }
        var proof = FormEncoding.TryDecode(bytes[formBytes..], setup.Discriminant, setup.Bits, out rejection);
        if (proof is null)
        {
            rejection = rejection! with { Message = $"proof π: {rejection.Message}" };
            return null;
        }
        rejection = WesolowskiVdf.Verify(setup, ticks, y.Value, proof.Value);
        return rejection is null ? new VdfResult(y.Value, proof.Value) : null;
    }
}
