using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proving.Replay;
using TensorCash.Tests.Cli;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Tests.Toolkit;

/// <summary>`tensorcash vrf ...`, `tensorcash receipt ...` and `tensorcash prove --receipt` end to end.</summary>
public class ToolkitCliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tc-toolkit-cli").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static string Value(CliRun run, string name) =>
        run.StdoutLines.Single(l => l.StartsWith(name + ": ")).Substring(name.Length + 2).Trim();

    [Test]
    public void VrfProveAndVerifyReproduceTheRfcVectors()
    {
        foreach (var v in EcVrfTests.Vectors)
        {
            File.WriteAllText(PathOf("sk"), v.Sk + "\n");
            var prove = CliRun.Of("vrf", "prove", "--key", PathOf("sk"), "--alpha", v.Alpha);
            Assert.That(prove.ExitCode, Is.EqualTo(0), prove.Stderr);
            Assert.That(Value(prove, "public key"), Is.EqualTo(v.Pk));
            Assert.That(Value(prove, "proof"), Is.EqualTo(v.Pi));
            Assert.That(Value(prove, "output"), Is.EqualTo(v.Beta));
            var verify = CliRun.Of("vrf", "verify", "--public-key", v.Pk, "--alpha", v.Alpha, "--proof", v.Pi);
            Assert.That(verify.ExitCode, Is.EqualTo(0), verify.Stdout + verify.Stderr);
            Assert.That(Value(verify, "output"), Is.EqualTo(v.Beta));
            File.Delete(PathOf("sk"));
        }
    }

    [Test]
    public void VrfRejectionsAndBadInputHaveTheirExitCodes()
    {
        var v = EcVrfTests.Vectors[0];
        var wrongAlpha = CliRun.Of("vrf", "verify", "--public-key", v.Pk, "--alpha", "01", "--proof", v.Pi);
        Assert.That((wrongAlpha.ExitCode, wrongAlpha.Stdout.Trim()), Is.EqualTo((1, "rejected: ChallengeMismatch")));
        var notHex = CliRun.Of("vrf", "verify", "--public-key", "zz", "--alpha", "", "--proof", v.Pi);
        Assert.That(notHex.ExitCode, Is.EqualTo(2));
        Assert.That(notHex.Stderr, Does.Contain("--public-key is not hex"));
        var shortProof = CliRun.Of("vrf", "verify", "--public-key", v.Pk, "--alpha", "", "--proof", "00");
        Assert.That(shortProof.Stderr, Does.Contain("--proof must be 80 bytes"));
        var noKey = CliRun.Of("vrf", "prove", "--key", PathOf("missing"), "--alpha", "");
        Assert.That((noKey.ExitCode, noKey.Stderr.Contains("no such file")), Is.EqualTo((2, true)));
        File.WriteAllText(PathOf("bad"), "not a key");
        Assert.That(CliRun.Of("vrf", "prove", "--key", PathOf("bad"), "--alpha", "").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void VrfKeygenWritesAKeyThatProvesAndRefusesToOverwrite()
    {
        var keygen = CliRun.Of("vrf", "keygen", "--out", PathOf("vrf.key"));
        Assert.That(keygen.ExitCode, Is.EqualTo(0), keygen.Stderr);
        var prove = CliRun.Of("vrf", "prove", "--key", PathOf("vrf.key"), "--alpha", "abcd");
        Assert.That(Value(prove, "public key"), Is.EqualTo(Value(keygen, "public key")));
        var verify = CliRun.Of("vrf", "verify", "--public-key", Value(keygen, "public key"), "--alpha", "abcd", "--proof", Value(prove, "proof"));
        Assert.That(verify.ExitCode, Is.EqualTo(0));
        var again = CliRun.Of("vrf", "keygen", "--out", PathOf("vrf.key"));
        Assert.That((again.ExitCode, again.Stderr.Contains("refusing to overwrite")), Is.EqualTo((2, true)));
    }

    [Test]
    public void ProveWritesAReceiptThatShowsVerifiesAndCommitsToTheTranscriptsLeaves()
    {
        File.WriteAllText(PathOf("node.key"), Convert.ToHexStringLower(ToolkitSamples.NodeKey));
        File.WriteAllText(PathOf("payer.key"), Convert.ToHexStringLower(ToolkitSamples.PayerKey));
        var prove = CliRun.Of("prove", "--model", "builtin:tiny", "--tokens", "256,72,105", "--binding", new string('a', 64) + new string('b', 64) + "0000000000000001",
            "--window", "8", "--threads", "2", "--out", PathOf("proof.bin"), "--receipt", PathOf("job.receipt"), "--node-key", PathOf("node.key"), "--payer-key", PathOf("payer.key"));
        Assert.That(prove.ExitCode, Is.EqualTo(0), prove.Stderr);
        Assert.That(prove.Stdout, Does.Contain("receipt: ").And.Contain("software TEST attestation"));

        var show = CliRun.Of("receipt", "show", PathOf("job.receipt"));
        Assert.That(show.ExitCode, Is.EqualTo(0), show.Stderr);
        Assert.That(Value(show, "node"), Is.EqualTo(Convert.ToHexStringLower(ToolkitSamples.NodeId)));
        Assert.That(Value(show, "kernel version"), Is.EqualTo("tensorcash-cpu/1"));

        var verify = CliRun.Of("receipt", "verify", PathOf("job.receipt"), "--test-root");
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.Stdout + verify.Stderr);
        Assert.That(verify.Stderr, Does.Contain("TEST root"));
        var otherRoot = CliRun.Of("receipt", "verify", PathOf("job.receipt"), "--root", Convert.ToHexStringLower(SchnorrKeys.PublicKey(ToolkitSamples.Key("vendor"))));
        Assert.That(otherRoot.ExitCode, Is.EqualTo(1));
        Assert.That(otherRoot.Stdout, Does.Contain("QuoteRejected (UntrustedRoot)"));

        // The trace commitment is the proof window's Merkle root: every step leaf of the transcript opens under it.
        var transcript = TranscriptCodec.Decode(File.ReadAllBytes(PathOf("proof.bin")));
        var receipt = ReceiptCodec.Decode(File.ReadAllBytes(PathOf("job.receipt")));
        Assert.That(receipt.Body.TraceLength, Is.EqualTo(8u));
        Assert.That(receipt.Body.Environment.ModelHash, Is.EqualTo(transcript.Header.ModelId));
        for (int step = 0; step < 8; step++)
        {
            var binding = CommitmentBinding.For(transcript, step);
            Assert.That(WindowMerkleTree.RootFromPath(binding.Leaf, step, 8, binding.Path), Is.EqualTo(receipt.Body.TraceCommitment), $"step {step}");
        }
        Assert.That(receipt.Body.OutputHash, Is.EqualTo(JobHashes.Output(transcript.Steps.Select(s => s.Token).ToArray())));

        var corrupt = File.ReadAllBytes(PathOf("job.receipt"));
        corrupt[^1] ^= 1;
        File.WriteAllBytes(PathOf("corrupt.receipt"), corrupt);
        var rejected = CliRun.Of("receipt", "verify", PathOf("corrupt.receipt"), "--test-root");
        Assert.That((rejected.ExitCode, rejected.Stdout.Trim()), Is.EqualTo((1, "rejected: PayerSignatureInvalid: the payer co-signature does not verify")));
        File.WriteAllBytes(PathOf("truncated.receipt"), corrupt[..100]);
        var truncated = CliRun.Of("receipt", "verify", PathOf("truncated.receipt"), "--test-root");
        Assert.That((truncated.ExitCode, truncated.Stdout.StartsWith("rejected: Malformed")), Is.EqualTo((1, true)));
    }

    [Test]
    public void ReceiptCommandsReportBadInputInOneLine()
    {
        File.WriteAllBytes(PathOf("garbage"), [1, 2, 3]);
        var show = CliRun.Of("receipt", "show", PathOf("garbage"));
        Assert.That(show.ExitCode, Is.EqualTo(2));
        Assert.That(show.StderrLines, Has.Length.EqualTo(1));
        Assert.That(show.Stderr, Does.Contain("magic"));
        Assert.That(CliRun.Of("receipt", "show", PathOf("missing")).Stderr, Does.Contain("no such file"));
        var noRoot = CliRun.Of("receipt", "verify", PathOf("garbage"));
        Assert.That((noRoot.ExitCode, noRoot.Stderr.Contains("--root HEX or --test-root")), Is.EqualTo((2, true)));
        var keysWithoutReceipt = CliRun.Of("prove", "--model", "builtin:tiny", "--tokens", "1", "--binding", new string('a', 144), "--out", PathOf("p"), "--node-key", PathOf("k"));
        Assert.That((keysWithoutReceipt.ExitCode, keysWithoutReceipt.Stderr.Contains("give --receipt FILE too")), Is.EqualTo((2, true)));
    }
}
