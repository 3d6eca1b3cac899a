using System.Security.Cryptography;
using TensorCash.Proof;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Toolkit.Receipts;

/// <summary>
/// The canonical receipt encoding, version 1 (docs/protocol/poi-toolkit.md, "Receipt"): "TSCR" || u16 version || body
/// || u16 len || quote || enclave signature (64) || node signature (64) || payer signature (64). Integers are
/// little-endian, every length is checked against <see cref="ReceiptLimits"/>, and decoding accepts exactly what
/// encoding produces (a property test checks both directions).
/// <para>
/// Signed digests (each BIP340 over 32 bytes), chained so that changing any field breaks every signature after it:
/// body digest = SHA-256("TSC-RCPT-BODY" || body); the enclave signs SHA-256("TSC-RCPT-ENCLAVE" || body digest);
/// the node signs SHA-256("TSC-RCPT-NODE" || body digest || u16 len || quote || enclave signature); the payer signs
/// SHA-256("TSC-RCPT-PAYER" || that node digest's preimage fields || node signature). The receipt hash, the leaf of the
/// epoch's receipts tree, is SHA-256("TSC-RCPT" || whole encoding).
/// </para>
/// </summary>
public static class ReceiptCodec
{
    public const ushort Version = 1;
    public static ReadOnlySpan<byte> Magic => "TSCR"u8;

    public static byte[] Encode(Receipt receipt)
    {
        RequireAttestation(receipt);
        var writer = AppendBody(new LittleEndianWriter(1024).Bytes(Magic).U16(Version), receipt.Body);
        return AppendMedium(writer, receipt.Quote).Bytes(receipt.EnclaveSignature).Bytes(receipt.NodeSignature).Bytes(receipt.PayerSignature).ToArray();
    }

    public static Receipt Decode(byte[] bytes)
    {
        if (bytes.Length > ReceiptLimits.MaxReceiptBytes) throw new ToolkitFormatException($"receipt: {bytes.Length} bytes exceed the limit of {ReceiptLimits.MaxReceiptBytes}");
        var reader = new ToolkitReader(bytes, "receipt");
        if (reader.Remaining < 4 || !reader.Bytes(4).AsSpan().SequenceEqual(Magic)) throw reader.Fail("not a receipt (magic \"TSCR\" missing)");
        var version = reader.U16();
        if (version != Version) throw reader.Fail($"version {version} is not supported (this build reads version {Version})");
        var requestHash = reader.Bytes(ReceiptBody.HashSize);
        var outputHash = reader.Bytes(ReceiptBody.HashSize);
        var environment = Measurement.ReadFrom(reader);
        var decode = new DecodeSettings(reader.U32(), reader.U32(), reader.U64(), reader.U32(), reader.U32());
        ulong seed = reader.U64(), workUnits = reader.U64(), timestamp = reader.U64();
        var trace = reader.Bytes(ReceiptBody.HashSize);
        var traceLength = reader.U32();
        var node = reader.Bytes(SchnorrKeys.PublicKeySize);
        var payer = reader.Bytes(SchnorrKeys.PublicKeySize);
        var body = reader.Guard(() => new ReceiptBody(requestHash, outputHash, environment, decode, seed, workUnits, timestamp, trace, traceLength, node, payer));
        var quote = reader.Medium(ReceiptLimits.MaxQuoteBytes);
        if (quote.Length == 0) throw reader.Fail("the attestation quote is empty");
        var receipt = new Receipt(body, quote, reader.Bytes(SchnorrKeys.SignatureSize), reader.Bytes(SchnorrKeys.SignatureSize), reader.Bytes(SchnorrKeys.SignatureSize));
        reader.End();
        return receipt;
    }

    public static byte[] Hash(Receipt receipt) => SHA256.HashData([.. ToolkitTags.Receipt, .. Encode(receipt)]);

    public static byte[] BodyDigest(ReceiptBody body) =>
        SHA256.HashData(AppendBody(new LittleEndianWriter(512).Bytes(ToolkitTags.ReceiptBody), body).ToArray());

    public static byte[] EnclaveDigest(ReceiptBody body) => SHA256.HashData([.. ToolkitTags.EnclaveSignature, .. BodyDigest(body)]);

    public static byte[] NodeDigest(ReceiptBody body, byte[] quote, byte[] enclaveSignature) =>
        SHA256.HashData(AppendMedium(new LittleEndianWriter(1024).Bytes(ToolkitTags.NodeSignature).Bytes(BodyDigest(body)), quote).Bytes(enclaveSignature).ToArray());

    public static byte[] PayerDigest(ReceiptBody body, byte[] quote, byte[] enclaveSignature, byte[] nodeSignature) =>
        SHA256.HashData(AppendMedium(new LittleEndianWriter(1024).Bytes(ToolkitTags.PayerSignature).Bytes(BodyDigest(body)), quote)
            .Bytes(enclaveSignature).Bytes(nodeSignature).ToArray());

    private static LittleEndianWriter AppendBody(LittleEndianWriter writer, ReceiptBody b)
    {
        writer.Bytes(b.RequestHash).Bytes(b.OutputHash);
        b.Environment.AppendTo(writer);
        var d = b.Decode;
        return writer.U32(d.TemperatureQ16).U32(d.TopK).U64(d.TopPQ32).U32(d.RepetitionPenaltyQ16).U32(d.PenaltyLastN)
            .U64(b.Seed).U64(b.WorkUnits).U64(b.Timestamp).Bytes(b.TraceCommitment).U32(b.TraceLength)
            .Bytes(b.NodePublicKey).Bytes(b.PayerPublicKey);
    }

    private static LittleEndianWriter AppendMedium(LittleEndianWriter writer, byte[] field)
    {
        if (field.Length is 0 or > ReceiptLimits.MaxQuoteBytes) throw new ArgumentException($"a quote of {field.Length} bytes is outside 1..{ReceiptLimits.MaxQuoteBytes}");
        return writer.U16((ushort)field.Length).Bytes(field);
    }

    private static void RequireAttestation(Receipt r)
    {
        if (r.EnclaveSignature.Length != SchnorrKeys.SignatureSize || r.NodeSignature.Length != SchnorrKeys.SignatureSize || r.PayerSignature.Length != SchnorrKeys.SignatureSize)
            throw new ArgumentException($"receipt signatures are {SchnorrKeys.SignatureSize} bytes each");
    }
}
