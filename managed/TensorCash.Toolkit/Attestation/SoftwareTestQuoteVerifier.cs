using TensorCash.Toolkit.Signatures;

namespace TensorCash.Toolkit.Attestation;

/// <summary>Verifies <see cref="SoftwareTestEnclave"/> quotes against a configured root public key.</summary>
public sealed class SoftwareTestQuoteVerifier(byte[] trustedRootPublicKey) : IQuoteVerifier
{
    public QuoteFormat Format => QuoteFormat.SoftwareTest;

    public QuoteVerdict Verify(byte[] quote)
    {
        Measurement measurement;
        byte[] enclaveKey, rootKey, signature;
        var reader = new ToolkitReader(quote, "software test quote");
        try
        {
            if (reader.U8() != (byte)QuoteFormat.SoftwareTest) throw reader.Fail("not a software test quote");
            var version = reader.U16();
            if (version != SoftwareTestEnclave.QuoteVersion) throw reader.Fail($"version {version} is not {SoftwareTestEnclave.QuoteVersion}");
            measurement = Measurement.ReadFrom(reader);
            enclaveKey = reader.Bytes(SchnorrKeys.PublicKeySize);
            rootKey = reader.Bytes(SchnorrKeys.PublicKeySize);
            signature = reader.Bytes(SchnorrKeys.SignatureSize);
            reader.End();
        }
        catch (ToolkitFormatException e)
        {
            return QuoteVerdict.Reject(QuoteRejectReason.Malformed, e.Message);
        }
        if (!rootKey.AsSpan().SequenceEqual(trustedRootPublicKey))
            return QuoteVerdict.Reject(QuoteRejectReason.UntrustedRoot, $"signed by root {Convert.ToHexStringLower(rootKey)}, trusted root is {Convert.ToHexStringLower(trustedRootPublicKey)}");
        var digest = SoftwareTestEnclave.Digest(quote[..^SchnorrKeys.SignatureSize]);
        return SchnorrKeys.Verify(rootKey, digest, signature)
            ? QuoteVerdict.Accept(new AttestedEnclave(QuoteFormat.SoftwareTest, measurement, enclaveKey))
            : QuoteVerdict.Reject(QuoteRejectReason.BadRootSignature, "the root signature over the measurement and enclave key does not verify");
    }
}
