using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Toolkit.Receipts;

/// <summary>
/// The two steps of the paper's "Execute": the node issues the receipt (its enclave signs the body, the node signs body
/// and attestation), then the payer countersigns to accept it.
/// </summary>
public static class ReceiptSigning
{
    public static Receipt Issue(ReceiptBody body, IEnclave enclave, byte[] nodeSecretKey)
    {
        if (!SchnorrKeys.PublicKey(nodeSecretKey).AsSpan().SequenceEqual(body.NodePublicKey))
            throw new ArgumentException("the node key does not match the receipt's node public key");
        var quote = enclave.Quote;
        var enclaveSignature = enclave.Sign(ReceiptCodec.EnclaveDigest(body));
        var nodeSignature = SchnorrKeys.Sign(nodeSecretKey, ReceiptCodec.NodeDigest(body, quote, enclaveSignature));
        return new Receipt(body, quote, enclaveSignature, nodeSignature, new byte[SchnorrKeys.SignatureSize]);
    }

    public static Receipt Cosign(Receipt receipt, byte[] payerSecretKey)
    {
        if (!SchnorrKeys.PublicKey(payerSecretKey).AsSpan().SequenceEqual(receipt.Body.PayerPublicKey))
            throw new ArgumentException("the payer key does not match the receipt's payer public key");
        var digest = ReceiptCodec.PayerDigest(receipt.Body, receipt.Quote, receipt.EnclaveSignature, receipt.NodeSignature);
        return receipt with { PayerSignature = SchnorrKeys.Sign(payerSecretKey, digest) };
    }
}
