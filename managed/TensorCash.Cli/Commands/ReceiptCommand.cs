using System.CommandLine;
using TensorCash.Toolkit;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Receipts;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash receipt show|verify FILE`: a job receipt (docs/protocol/poi-toolkit.md). verify checks the quote against
/// the vendor root given (--root, or --test-root for the published software test root), the measurement, and the
/// enclave, node and payer signatures. Exit 0 valid, 1 rejected (malformed included), 2 bad command line or no file.
/// </summary>
public static class ReceiptCommand
{
    public static Command Create(CliConsole console)
    {
        var showFile = File();
        var show = new Command("show", "Print every field of a receipt.") { showFile };
        show.SetAction(console.Guard((parsed, _) =>
        {
            var path = parsed.GetRequiredValue(showFile);
            var bytes = ToolkitInput.ReadFile(path, "receipt", ReceiptLimits.MaxReceiptBytes);
            Receipt receipt;
            try
            {
                receipt = ReceiptCodec.Decode(bytes);
            }
            catch (ToolkitFormatException e)
            {
                throw new UsageException($"{path}: {e.Message}");
            }
            Print(console.Out, path, bytes.Length, receipt);
            return ExitCodes.Success;
        }));

        var verifyFile = File();
        var root = new Option<string>("--root") { Description = "The vendor root public key (64 hex digits) that software-test quotes must chain to.", HelpName = "HEX" };
        var testRoot = new Option<bool>("--test-root") { Description = "Trust the published software TEST root instead. It proves no hardware: development only." };
        var verify = new Command("verify", "Verify a receipt's attestation and signatures. Exit 0 valid, 1 rejected.") { verifyFile, root, testRoot };
        verify.Validators.Add(result =>
        {
            if ((result.GetResult(root) is null) == !result.GetValue(testRoot))
                result.AddError("give exactly one of --root HEX or --test-root");
        });
        verify.SetAction(console.Guard((parsed, _) =>
        {
            var path = parsed.GetRequiredValue(verifyFile);
            var trusted = parsed.GetValue(testRoot)
                ? SoftwareTestEnclave.TestRootPublicKey
                : ToolkitInput.Hex(parsed.GetRequiredValue(root), "--root", Toolkit.Signatures.SchnorrKeys.PublicKeySize);
            var bytes = ToolkitInput.ReadFile(path, "receipt", ReceiptLimits.MaxReceiptBytes);
            Receipt receipt;
            try
            {
                receipt = ReceiptCodec.Decode(bytes);
            }
            catch (ToolkitFormatException e)
            {
                console.Out.WriteLine($"rejected: Malformed: {e.Message}");
                return ExitCodes.Failure;
            }
            var verdict = ReceiptVerifier.Verify(receipt, new QuoteVerifiers(new SoftwareTestQuoteVerifier(trusted)));
            if (parsed.GetValue(testRoot)) console.Err.WriteLine("warning: trusting the software TEST root; a valid verdict proves no hardware attestation");
            if (!verdict.IsValid)
            {
                var quote = verdict.QuoteReason == QuoteRejectReason.None ? "" : $" ({verdict.QuoteReason})";
                console.Out.WriteLine($"rejected: {verdict.Reason}{quote}: {verdict.Detail}");
                return ExitCodes.Failure;
            }
            console.Out.WriteLine("valid");
            console.Out.WriteLine($"receipt hash: {Convert.ToHexStringLower(ReceiptCodec.Hash(receipt))}");
            return ExitCodes.Success;
        }));
        return new Command("receipt", "Job receipts of the serving protocol: show and verify.") { show, verify };
    }

    private static Argument<string> File() => new("FILE") { Description = "A receipt file (binary, as written by 'tensorcash prove --receipt')." };

    private static void Print(TextWriter o, string path, int length, Receipt r)
    {
        static string Hex(byte[] b) => Convert.ToHexStringLower(b);
        var b = r.Body;
        var d = b.Decode;
        o.WriteLine($"receipt: {path}, {length} bytes, version {ReceiptCodec.Version}");
        o.WriteLine($"receipt hash: {Hex(ReceiptCodec.Hash(r))}");
        o.WriteLine($"request hash: {Hex(b.RequestHash)}");
        o.WriteLine($"output hash: {Hex(b.OutputHash)}");
        o.WriteLine($"model hash: {Hex(b.Environment.ModelHash)}");
        o.WriteLine($"kernel version: {b.Environment.KernelVersion}");
        o.WriteLine($"precision: {b.Environment.Precision}");
        o.WriteLine($"decode: temperature {d.TemperatureQ16}/65536, top-k {d.TopK}, top-p {d.TopPQ32}/2^32, repetition penalty {d.RepetitionPenaltyQ16}/65536, penalty window {d.PenaltyLastN}");
        o.WriteLine($"seed: {b.Seed}");
        o.WriteLine($"work units: {b.WorkUnits}");
        var time = b.Timestamp <= 253402300799UL ? DateTimeOffset.FromUnixTimeSeconds((long)b.Timestamp).ToString("u") : "beyond year 9999";
        o.WriteLine($"timestamp: {b.Timestamp} ({time})");
        o.WriteLine($"trace commitment: {Hex(b.TraceCommitment)} ({b.TraceLength} positions)");
        o.WriteLine($"node: {Hex(b.NodePublicKey)}");
        o.WriteLine($"payer: {Hex(b.PayerPublicKey)}");
        var format = (QuoteFormat)r.Quote[0];
        o.WriteLine($"quote: format {(Enum.IsDefined(format) ? format.ToString() : $"0x{r.Quote[0]:X2}")}, {r.Quote.Length} bytes");
        o.WriteLine($"enclave signature: {Hex(r.EnclaveSignature)}");
        o.WriteLine($"node signature: {Hex(r.NodeSignature)}");
        o.WriteLine($"payer signature: {(r.IsCosigned ? Hex(r.PayerSignature) : "(not co-signed)")}");
    }
}
