using TensorCash.Proof;
using TensorCash.Toolkit.Attestation;

namespace TensorCash.Toolkit.Receipts;

/// <summary>
/// The sampler settings a job ran with, as the proof core's fixed point (temperature and repetition penalty Q16.16,
/// top-p Q.32, top-k 0 = off, penalty window 0 = whole context). Recorded, not range-checked: serving may use settings
/// mining may not (greedy decoding, for one), and the logit check never samples (paper: "the receipt still records
/// decode_params and seed so the sampling step itself can be replayed if ever needed").
/// </summary>
public sealed record DecodeSettings(uint TemperatureQ16, uint TopK, ulong TopPQ32, uint RepetitionPenaltyQ16, uint PenaltyLastN);

/// <summary>
/// Everything a receipt states about one job (the paper's receipt without its signatures): H(request), H(output), the
/// pinned environment (model hash, kernel version, precision), decode settings, seed, work units, timestamp (Unix
/// seconds), the trace commitment (the proof core's window Merkle root over per-position step leaves, which carry the
/// logit sketches) with its position count, and the keys of the node (its id) and of the payer who co-signs.
/// </summary>
public sealed record ReceiptBody
{
    public const int HashSize = 32;

    public byte[] RequestHash { get; }
    public byte[] OutputHash { get; }
    public Measurement Environment { get; }
    public DecodeSettings Decode { get; }
    public ulong Seed { get; }
    public ulong WorkUnits { get; }
    public ulong Timestamp { get; }
    public byte[] TraceCommitment { get; }
    public uint TraceLength { get; }
    public byte[] NodePublicKey { get; }
    public byte[] PayerPublicKey { get; }

    public ReceiptBody(byte[] requestHash, byte[] outputHash, Measurement environment, DecodeSettings decode, ulong seed, ulong workUnits,
        ulong timestamp, byte[] traceCommitment, uint traceLength, byte[] nodePublicKey, byte[] payerPublicKey)
    {
        RequireSize(requestHash, HashSize, "request hash");
        RequireSize(outputHash, HashSize, "output hash");
        RequireSize(traceCommitment, HashSize, "trace commitment");
        RequireSize(nodePublicKey, Signatures.SchnorrKeys.PublicKeySize, "node public key");
        RequireSize(payerPublicKey, Signatures.SchnorrKeys.PublicKeySize, "payer public key");
        if (traceLength is < 1 or > ReceiptLimits.MaxTracePositions)
            throw new ArgumentException($"trace length {traceLength} is outside 1..{ReceiptLimits.MaxTracePositions}");
        RequestHash = requestHash;
        OutputHash = outputHash;
        Environment = environment;
        Decode = decode;
        Seed = seed;
        WorkUnits = workUnits;
        Timestamp = timestamp;
        TraceCommitment = traceCommitment;
        TraceLength = traceLength;
        NodePublicKey = nodePublicKey;
        PayerPublicKey = payerPublicKey;
    }

    private static void RequireSize(byte[] field, int size, string name)
    {
        if (field.Length != size) throw new ArgumentException($"{name} is {field.Length} bytes; it must be {size}");
    }
}

/// <summary>
/// A receipt: its body, the attestation (the enclave's quote and the enclave key's signature over the body), the node's
/// signature and the payer's co-signature. <see cref="PayerSignature"/> is 64 zero bytes until the payer co-signs.
/// </summary>
public sealed record Receipt(ReceiptBody Body, byte[] Quote, byte[] EnclaveSignature, byte[] NodeSignature, byte[] PayerSignature)
{
    public bool IsCosigned => PayerSignature.Any(b => b != 0);
}
