using System.Security.Cryptography;
using System.Text;
using TensorCash.Proof;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Tests.Toolkit;

/// <summary>Deterministic keys, measurements and receipts shared by the toolkit tests and the documented vectors.</summary>
internal static class ToolkitSamples
{
    public static byte[] Key(string name) => SHA256.HashData(Encoding.ASCII.GetBytes("toolkit test key " + name));

    public static readonly byte[] NodeKey = Key("node");
    public static readonly byte[] PayerKey = Key("payer");
    public static readonly byte[] EnclaveKey = Key("enclave");
    public static readonly byte[] NodeId = SchnorrKeys.PublicKey(NodeKey);

    public static readonly Measurement Environment = new(SHA256.HashData("model"u8.ToArray()), "tensorcash-cpu/1", PrecisionTag.BF16);

    public static readonly QuoteVerifiers TestRoot = new(new SoftwareTestQuoteVerifier(SoftwareTestEnclave.TestRootPublicKey));

    public static SoftwareTestEnclave Enclave(Measurement? measurement = null) =>
        new(measurement ?? Environment, SoftwareTestEnclave.TestRootSecretKey, EnclaveKey);

    /// <summary>A trace of <paramref name="positions"/> leaves, as a proof window's step leaves would be.</summary>
    public static byte[][] TraceLeaves(int positions, int salt = 0) =>
        Enumerable.Range(0, positions).Select(i => SHA256.HashData(Encoding.ASCII.GetBytes($"leaf {salt} {i}"))).ToArray();

    public static ReceiptBody Body(int job = 0, int positions = 8, ulong workUnits = 1000, byte[]? node = null) => new(
        SHA256.HashData(Encoding.ASCII.GetBytes($"request {job}")),
        SHA256.HashData(Encoding.ASCII.GetBytes($"output {job}")),
        Environment,
        new DecodeSettings(52429, 40, 4080218931, 72090, 0),
        seed: 42 + (ulong)job,
        workUnits: workUnits,
        timestamp: 1_800_000_000 + (ulong)job,
        traceCommitment: WindowMerkleTree.Root(TraceLeaves(positions, job)),
        traceLength: (uint)positions,
        nodePublicKey: node ?? NodeId,
        payerPublicKey: SchnorrKeys.PublicKey(PayerKey));

    public static Receipt Receipt(int job = 0, int positions = 8, ulong workUnits = 1000) =>
        ReceiptSigning.Cosign(ReceiptSigning.Issue(Body(job, positions, workUnits), Enclave(), NodeKey), PayerKey);
}
