using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Toolkit.Receipts;

public enum ReceiptRejectReason
{
    None = 0,
    /// <summary>The quote fails its format's verifier (QuoteReason says why).</summary>
    QuoteRejected,
    /// <summary>The quote attests another model hash, kernel version or precision than the receipt states.</summary>
    MeasurementMismatch,
    /// <summary>The attested enclave key did not sign this body.</summary>
    EnclaveSignatureInvalid,
    NodeSignatureInvalid,
    /// <summary>The payer key equals the node key: self-dealt work earns no boost (paper: "a distinct, staked payer").</summary>
    PayerIsNode,
    PayerSignatureMissing,
    PayerSignatureInvalid,
}

public sealed record ReceiptVerdict(ReceiptRejectReason Reason, QuoteRejectReason QuoteReason, string Detail)
{
    public bool IsValid => Reason == ReceiptRejectReason.None;
}

/// <summary>
/// Every check a receipt admits without re-running the model: the quote against the trusted roots, the quote's
/// measurement against the receipt's environment, then the enclave, node and payer signatures in the order they were
/// made. It does not check that the output is what the model computes (that is the committee's teacher-forced check
/// of sampled positions), that the payer is staked, or that the timestamp falls in the epoch: those need chain state.
/// </summary>
public static class ReceiptVerifier
{
    public static ReceiptVerdict Verify(Receipt receipt, QuoteVerifiers roots)
    {
        var body = receipt.Body;
        var quote = roots.Verify(receipt.Quote);
        if (!quote.IsValid) return Reject(ReceiptRejectReason.QuoteRejected, quote.Detail, quote.Reason);
        var enclave = quote.Enclave!;
        if (!enclave.Measurement.Matches(body.Environment))
            return Reject(ReceiptRejectReason.MeasurementMismatch, $"quote attests {enclave.Measurement}; receipt states {body.Environment}");
        if (!SchnorrKeys.Verify(enclave.EnclavePublicKey, ReceiptCodec.EnclaveDigest(body), receipt.EnclaveSignature))
            return Reject(ReceiptRejectReason.EnclaveSignatureInvalid, "the attested enclave key did not sign this receipt body");
        if (!SchnorrKeys.Verify(body.NodePublicKey, ReceiptCodec.NodeDigest(body, receipt.Quote, receipt.EnclaveSignature), receipt.NodeSignature))
            return Reject(ReceiptRejectReason.NodeSignatureInvalid, "the node signature does not verify");
        if (body.PayerPublicKey.AsSpan().SequenceEqual(body.NodePublicKey))
            return Reject(ReceiptRejectReason.PayerIsNode, "the payer is the node itself");
        if (!receipt.IsCosigned) return Reject(ReceiptRejectReason.PayerSignatureMissing, "the payer has not co-signed");
        if (!SchnorrKeys.Verify(body.PayerPublicKey, ReceiptCodec.PayerDigest(body, receipt.Quote, receipt.EnclaveSignature, receipt.NodeSignature), receipt.PayerSignature))
            return Reject(ReceiptRejectReason.PayerSignatureInvalid, "the payer co-signature does not verify");
        return new ReceiptVerdict(ReceiptRejectReason.None, QuoteRejectReason.None, "");
    }

    private static ReceiptVerdict Reject(ReceiptRejectReason reason, string detail, QuoteRejectReason quoteReason = QuoteRejectReason.None) =>
        new(reason, quoteReason, detail);
}
