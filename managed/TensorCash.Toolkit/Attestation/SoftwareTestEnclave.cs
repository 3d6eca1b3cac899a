using System.Security.Cryptography;
using System.Text;
using TensorCash.Proof;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Toolkit.Attestation;

/// <summary>
/// A software stand-in for a TEE, for tests and development only. It generates a receipt-signing key in this process
/// and issues a quote in which a root key signs (measurement, enclave key):
/// <c>u8 format 0x01 || u16 version 1 || measurement || enclave key (32) || root key (32) || root signature (64)</c>,
/// the signature BIP340 over SHA-256("TSC-QUOTE-SOFTWARE-TEST" || everything before it).
/// <para>
/// What it does not prove: that any hardware isolates the key, that the named model, kernel and precision actually
/// ran, or that the request reached them. Whoever holds the root key can attest anything, and the default root
/// (<see cref="TestRootSecretKey"/>) is public. A deployment that accepts this format accepts self-declared work.
/// </para>
/// </summary>
public sealed class SoftwareTestEnclave : IEnclave
{
    public const ushort QuoteVersion = 1;

    /// <summary>The published test root: SHA-256 of a sentence saying so. Not secret; never a vendor root.</summary>
    public static readonly byte[] TestRootSecretKey = SHA256.HashData(Encoding.ASCII.GetBytes("TensorCash software attestation TEST root key: public, not a vendor key"));

    public static readonly byte[] TestRootPublicKey = SchnorrKeys.PublicKey(TestRootSecretKey);

    private readonly byte[] _enclaveSecretKey;

    public Measurement Measurement { get; }
    public byte[] EnclavePublicKey { get; }
    public byte[] Quote { get; }

    /// <param name="enclaveSecretKey">Null for a fresh key (as an enclave generates its own); given, for reproducible tests.</param>
    public SoftwareTestEnclave(Measurement measurement, byte[] rootSecretKey, byte[]? enclaveSecretKey = null)
    {
        _enclaveSecretKey = enclaveSecretKey ?? SchnorrKeys.GenerateSecretKey();
        Measurement = measurement;
        EnclavePublicKey = SchnorrKeys.PublicKey(_enclaveSecretKey);
        var signed = SignedPart(measurement, EnclavePublicKey, SchnorrKeys.PublicKey(rootSecretKey));
        Quote = [.. signed, .. SchnorrKeys.Sign(rootSecretKey, Digest(signed))];
    }

    public byte[] Sign(ReadOnlySpan<byte> digest) => SchnorrKeys.Sign(_enclaveSecretKey, digest);

    internal static byte[] SignedPart(Measurement measurement, byte[] enclaveKey, byte[] rootKey) =>
        measurement.AppendTo(new LittleEndianWriter(200).U8((byte)QuoteFormat.SoftwareTest).U16(QuoteVersion)).Bytes(enclaveKey).Bytes(rootKey).ToArray();

    internal static byte[] Digest(byte[] signedPart) => SHA256.HashData([.. ToolkitTags.SoftwareQuote, .. signedPart]);
}
