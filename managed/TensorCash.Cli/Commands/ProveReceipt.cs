using TensorCash.Proof;
using TensorCash.Proving;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash prove --receipt FILE`: the job receipt of the proof run, until the inference server emits them. The trace
/// commitment is the proof window's Merkle root over its per-position step leaves (which commit the logit sketches),
/// the environment is attested by the software TEST enclave (no hardware), and the node and payer keys come from files
/// or are fresh test keys. The seed is 0: proof draws come from the chain binding, not a seed.
/// </summary>
internal static class ProveReceipt
{
    public const string KernelVersion = "tensorcash-cpu/1";

    public static void Write(CliConsole console, string path, ProveRequest request, ProveResult result, ModelIdentity identity, string? nodeKeyFile, string? payerKeyFile)
    {
        var nodeKey = LoadOrGenerate(console, nodeKeyFile, "--node-key", "node");
        var payerKey = LoadOrGenerate(console, payerKeyFile, "--payer-key", "payer");
        var header = result.Transcript.Header;
        var d = header.Decode;
        var output = result.Transcript.Steps.Select(s => s.Token).ToArray();
        var environment = new Measurement(identity.Id, KernelVersion, header.Precision);
        var body = new ReceiptBody(
            JobHashes.Request(request.Prompt), JobHashes.Output(output), environment,
            new DecodeSettings(d.TemperatureQ16, (uint)d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN),
            seed: 0,
            workUnits: JobHashes.WorkUnits(output.Length, identity.Descriptor.MatrixParameterCount),
            timestamp: (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            traceCommitment: result.Window.WindowRoot,
            traceLength: (uint)output.Length,
            nodePublicKey: SchnorrKeys.PublicKey(nodeKey),
            payerPublicKey: SchnorrKeys.PublicKey(payerKey));
        var enclave = new SoftwareTestEnclave(environment, SoftwareTestEnclave.TestRootSecretKey);
        var receipt = ReceiptSigning.Cosign(ReceiptSigning.Issue(body, enclave, nodeKey), payerKey);
        var bytes = ReceiptCodec.Encode(receipt);
        File.WriteAllBytes(path, bytes);
        console.Out.WriteLine($"receipt: {path}, {bytes.Length} bytes, hash {Convert.ToHexStringLower(ReceiptCodec.Hash(receipt))}, {body.WorkUnits} work units (software TEST attestation)");
    }

    private static byte[] LoadOrGenerate(CliConsole console, string? file, string flag, string role)
    {
        if (file is null)
        {
            console.Progress($"receipt: no {flag}; signing as a fresh {role} test key");
            return SchnorrKeys.GenerateSecretKey();
        }
        var key = ToolkitInput.KeyFile(file, flag, SchnorrKeys.SecretKeySize);
        if (!SchnorrKeys.IsValidSecretKey(key)) throw new UsageException($"{flag} {file}: not a secp256k1 secret key (must be in [1, n-1])");
        return key;
    }
}
