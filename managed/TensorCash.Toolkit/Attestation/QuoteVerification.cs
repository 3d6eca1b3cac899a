namespace TensorCash.Toolkit.Attestation;

/// <summary>
/// The first byte of every quote: which kind of evidence follows. Hardware formats get their own values when their
/// verifiers exist; until then a quote in their format is rejected as unsupported, never accepted.
/// </summary>
public enum QuoteFormat : byte
{
    /// <summary><see cref="SoftwareTestEnclave"/>: a key in a process, vouched for by a test root. Proves no hardware.</summary>
    SoftwareTest = 0x01,
    /// <summary>Reserved for Intel TDX quotes (DCAP, rooted in Intel's PCK certificate chain).</summary>
    IntelTdx = 0x10,
    /// <summary>Reserved for NVIDIA confidential-computing GPU attestation reports (rooted in NVIDIA's device CA).</summary>
    NvidiaConfidentialComputing = 0x11,
}

public enum QuoteRejectReason
{
    None = 0,
    /// <summary>The bytes are not a quote of the format they claim (length, field limits, trailing bytes).</summary>
    Malformed,
    /// <summary>No verifier is configured for the quote's format.</summary>
    UnsupportedFormat,
    /// <summary>The quote chains to a root other than the configured vendor root.</summary>
    UntrustedRoot,
    /// <summary>The root's signature over the measurement and enclave key does not verify.</summary>
    BadRootSignature,
}

/// <summary>What a valid quote establishes: an enclave key bound to a measurement, under a trusted root.</summary>
public sealed record AttestedEnclave(QuoteFormat Format, Measurement Measurement, byte[] EnclavePublicKey);

public sealed record QuoteVerdict(QuoteRejectReason Reason, string Detail, AttestedEnclave? Enclave)
{
    public bool IsValid => Reason == QuoteRejectReason.None;

    public static QuoteVerdict Accept(AttestedEnclave enclave) => new(QuoteRejectReason.None, "", enclave);

    public static QuoteVerdict Reject(QuoteRejectReason reason, string detail) => new(reason, detail, null);
}

/// <summary>
/// Checks one format of quote against a configured vendor root. The software test verifier is the first
/// implementation; Intel TDX and NVIDIA CC verifiers implement the same contract: from the quote bytes alone (and their
/// configured roots and collateral), the measurement and the enclave's receipt-signing key, or why not.
/// </summary>
public interface IQuoteVerifier
{
    QuoteFormat Format { get; }

    QuoteVerdict Verify(byte[] quote);
}

/// <summary>
/// The enclave side: its quote, and signatures by its enclave-generated key (BIP340 over a 32-byte digest). The
/// software test enclave is the first implementation; a TEE-backed one signs inside the enclave.
/// </summary>
public interface IEnclave
{
    byte[] Quote { get; }

    byte[] Sign(ReadOnlySpan<byte> digest);
}

/// <summary>The verifiers a party trusts, one per format; a quote in any other format is rejected as unsupported.</summary>
public sealed class QuoteVerifiers
{
    private readonly Dictionary<QuoteFormat, IQuoteVerifier> _byFormat = new();

    public QuoteVerifiers(params IQuoteVerifier[] verifiers)
    {
        foreach (var verifier in verifiers)
            if (!_byFormat.TryAdd(verifier.Format, verifier)) throw new ArgumentException($"two verifiers for quote format {verifier.Format}");
    }

    public QuoteVerdict Verify(byte[] quote)
    {
        if (quote.Length == 0) return QuoteVerdict.Reject(QuoteRejectReason.Malformed, "the quote is empty");
        var format = (QuoteFormat)quote[0];
        return _byFormat.TryGetValue(format, out var verifier)
            ? verifier.Verify(quote)
            : QuoteVerdict.Reject(QuoteRejectReason.UnsupportedFormat, $"no verifier is configured for quote format 0x{quote[0]:X2} ({(Enum.IsDefined(format) ? format.ToString() : "unknown")})");
    }
}
