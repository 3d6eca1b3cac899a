using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Toolkit;
using TensorCash.Toolkit.Epochs;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Selection;
using TensorCash.Toolkit.Signatures;
using TensorCash.Toolkit.Vrf;
using S = TensorCash.Tests.Toolkit.ToolkitSamples;

namespace TensorCash.Tests.Toolkit;

public class EpochTests
{
    /// <summary>Epoch vector 1 of docs/protocol/poi-toolkit.md: receipts of jobs 0..4 (8 positions each), epoch 7, DA "da://epoch7".</summary>
    public const string VectorEncoding = "5453434501001f53ed5894c4af1e39ec513f07ebe889806ef5efe25b5d5799701c83a70f989b07000000000000001141350191fb8dabd2f3053b5359b98683f67bfc120700e257f3d08f2caf596cfe01000000000000050000000b64613a2f2f65706f636837";
    public const string VectorHash = "41bb8f770e8a44285ff126359d0d201fafb9061b9d3dd83fa9cbe30afebb8e89";

    private const int Jobs = 5;
    private static readonly byte[] Da = "da://epoch7"u8.ToArray();
    private static readonly Receipt[] Receipts = Enumerable.Range(0, Jobs).Select(j => S.Receipt(j, positions: 8, workUnits: 100 + (ulong)j)).ToArray();
    private static readonly EpochCommitment Commitment = EpochCommitment.Build(S.NodeId, 7, Receipts, Da);

    private static readonly byte[] SamplerKey = S.Key("sampler");
    private static readonly byte[] Beta = EcVrf.ProofToHash(EcVrf.Prove(SamplerKey, SelectionInput.Alpha(SelectionPurpose.Jobs, SHA256.HashData("beacon"u8.ToArray()), 7, S.NodeId, 0)))!;

    /// <summary>What an honest node sends for a sampled job.</summary>
    private static ReceiptOpening Open(Receipt[] receipts, int job, byte[] beta)
    {
        var hashes = receipts.Select(ReceiptCodec.Hash).ToArray();
        var leaves = S.TraceLeaves((int)receipts[job].Body.TraceLength, job);
        int position = JobSampling.Position(beta, job, leaves.Length);
        return new ReceiptOpening((uint)job, ReceiptCodec.Encode(receipts[job]), ReceiptsTree.Path(hashes, job), (uint)position, leaves[position], WindowMerkleTree.Path(leaves, position));
    }

    private static OpeningVerdict Judge(byte[]? delivered, uint job = 2) => OpeningJudge.Judge(Commitment, Beta, job, delivered, S.TestRoot);

    [Test]
    public void TheDocumentedVectorEncodesAsPinned()
    {
        TestContext.Out.WriteLine($"epoch {Convert.ToHexStringLower(Commitment.Encode())} hash {Convert.ToHexStringLower(Commitment.Hash())}");
        Assert.That(Convert.ToHexStringLower(Commitment.Encode()), Is.EqualTo(VectorEncoding));
        Assert.That(Convert.ToHexStringLower(Commitment.Hash()), Is.EqualTo(VectorHash));
        Assert.That(Commitment.TotalWorkUnits, Is.EqualTo(510UL));
        Assert.That(Commitment.JobCount, Is.EqualTo(5u));
    }

    [Test]
    public void EveryFieldChangesTheCommitmentHash()
    {
        var c = Commitment;
        var variants = new[]
        {
            new EpochCommitment(SchnorrKeys.PublicKey(S.Key("x")), c.Epoch, c.ReceiptsRoot, c.TotalWorkUnits, c.JobCount, c.DaPointer),
            new EpochCommitment(c.NodeId, c.Epoch + 1, c.ReceiptsRoot, c.TotalWorkUnits, c.JobCount, c.DaPointer),
            new EpochCommitment(c.NodeId, c.Epoch, ReceiptTests.Flip(c.ReceiptsRoot), c.TotalWorkUnits, c.JobCount, c.DaPointer),
            new EpochCommitment(c.NodeId, c.Epoch, c.ReceiptsRoot, c.TotalWorkUnits + 1, c.JobCount, c.DaPointer),
            new EpochCommitment(c.NodeId, c.Epoch, c.ReceiptsRoot, c.TotalWorkUnits, c.JobCount + 1, c.DaPointer),
            new EpochCommitment(c.NodeId, c.Epoch, c.ReceiptsRoot, c.TotalWorkUnits, c.JobCount, [.. c.DaPointer, 0]),
        };
        Assert.That(variants.Select(v => Convert.ToHexString(v.Hash())).Append(Convert.ToHexString(c.Hash())), Is.Unique);
    }

    [Test]
    public void ChangingReorderingOrDroppingAReceiptChangesTheRoot()
    {
        var changed = Receipts.ToArray();
        changed[3] = S.Receipt(3, positions: 8, workUnits: 104);
        Assert.That(EpochCommitment.Build(S.NodeId, 7, changed, Da).ReceiptsRoot, Is.Not.EqualTo(Commitment.ReceiptsRoot));
        var swapped = Receipts.ToArray();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.That(EpochCommitment.Build(S.NodeId, 7, swapped, Da).ReceiptsRoot, Is.Not.EqualTo(Commitment.ReceiptsRoot));
        Assert.That(EpochCommitment.Build(S.NodeId, 7, Receipts[..4], Da).ReceiptsRoot, Is.Not.EqualTo(Commitment.ReceiptsRoot));
        // A receipts root is not a proof window root over the same leaves (separate tags).
        var hashes = Receipts.Select(ReceiptCodec.Hash).ToArray();
        Assert.That(ReceiptsTree.Root(hashes), Is.Not.EqualTo(WindowMerkleTree.Root(hashes)));
    }

    [Test]
    public void BuildRefusesForeignReceiptsOverflowAndEmptyEpochs()
    {
        var foreign = ReceiptSigning.Issue(S.Body(node: SchnorrKeys.PublicKey(S.Key("other node"))), S.Enclave(), S.Key("other node"));
        Assert.Throws<ArgumentException>(() => EpochCommitment.Build(S.NodeId, 7, [Receipts[0], foreign], Da));
        var huge = S.Receipt(0, workUnits: ulong.MaxValue);
        Assert.That(Assert.Throws<ArgumentException>(() => EpochCommitment.Build(S.NodeId, 7, [huge, Receipts[1]], Da))!.Message, Does.Contain("overflow"));
        Assert.Throws<ArgumentException>(() => EpochCommitment.Build(S.NodeId, 7, [], Da));
        Assert.Throws<ArgumentException>(() => EpochCommitment.Build(S.NodeId, 7, Receipts, new byte[ReceiptLimits.MaxDaPointerBytes + 1]));
    }

    [Test]
    public void AnHonestOpeningOfEverySampledJobIsValid()
    {
        foreach (var job in JobSampling.Jobs(Beta, Jobs, 3))
        {
            var verdict = Judge(Open(Receipts, job, Beta).Encode(), (uint)job);
            Assert.That(verdict.Kind, Is.EqualTo(OpeningVerdictKind.Valid), verdict.Detail);
        }
    }

    [Test]
    public void NothingDeliveredIsFailureToOpen() => Assert.That(Judge(null).Kind, Is.EqualTo(OpeningVerdictKind.FailureToOpen));

    [Test]
    public void EachOpeningFailureHasItsVerdict()
    {
        var honest = Open(Receipts, 2, Beta);
        Assert.That(Judge([1, 2, 3]).Kind, Is.EqualTo(OpeningVerdictKind.Malformed));
        Assert.That(Judge(honest.Encode()[..^1]).Kind, Is.EqualTo(OpeningVerdictKind.Malformed));
        Assert.That(Judge((honest with { ReceiptBytes = [1, 2] }).Encode()).Kind, Is.EqualTo(OpeningVerdictKind.Malformed));
        Assert.That(Judge(Open(Receipts, 1, Beta).Encode()).Kind, Is.EqualTo(OpeningVerdictKind.WrongJob));
        Assert.That(Judge((honest with { ReceiptBytes = ReceiptCodec.Encode(Receipts[1]) }).Encode()).Kind, Is.EqualTo(OpeningVerdictKind.ReceiptPathInvalid));
        Assert.That(Judge((honest with { ReceiptPath = honest.ReceiptPath.Skip(1).ToList() }).Encode()).Kind, Is.EqualTo(OpeningVerdictKind.ReceiptPathInvalid));
        int wrong = ((int)honest.Position + 1) % 8;
        var leaves = S.TraceLeaves(8, 2);
        Assert.That(Judge((honest with { Position = (uint)wrong, PositionLeaf = leaves[wrong], PositionPath = WindowMerkleTree.Path(leaves, wrong) }).Encode()).Kind,
            Is.EqualTo(OpeningVerdictKind.WrongPosition));
        Assert.That(Judge((honest with { PositionLeaf = ReceiptTests.Flip(honest.PositionLeaf) }).Encode()).Kind, Is.EqualTo(OpeningVerdictKind.PositionPathInvalid));
        Assert.That(Judge((honest with { PositionPath = [] }).Encode()).Kind, Is.EqualTo(OpeningVerdictKind.PositionPathInvalid));
    }

    [Test]
    public void ACommittedButInvalidOrForeignReceiptIsCaughtWhenOpened()
    {
        // A node can commit whatever it likes; opening shows it. Receipt 2 without the payer's co-signature:
        var receipts = Receipts.ToArray();
        receipts[2] = receipts[2] with { PayerSignature = new byte[64] };
        var commitment = new EpochCommitment(S.NodeId, 7, ReceiptsTree.Root(receipts.Select(ReceiptCodec.Hash).ToArray()), 510, Jobs, Da);
        var verdict = OpeningJudge.Judge(commitment, Beta, 2, Open(receipts, 2, Beta).Encode(), S.TestRoot);
        Assert.That(verdict.Kind, Is.EqualTo(OpeningVerdictKind.ReceiptInvalid));
        Assert.That(verdict.Detail, Does.Contain("PayerSignatureMissing"));

        // Another node's receipt committed in this node's tree:
        var otherKey = S.Key("other node");
        receipts[2] = ReceiptSigning.Cosign(ReceiptSigning.Issue(S.Body(2, node: SchnorrKeys.PublicKey(otherKey)), S.Enclave(), otherKey), S.PayerKey);
        commitment = new EpochCommitment(S.NodeId, 7, ReceiptsTree.Root(receipts.Select(ReceiptCodec.Hash).ToArray()), 510, Jobs, Da);
        Assert.That(OpeningJudge.Judge(commitment, Beta, 2, Open(receipts, 2, Beta).Encode(), S.TestRoot).Kind, Is.EqualTo(OpeningVerdictKind.ReceiptFromAnotherNode));
    }

    [Test]
    public void OversizedPathsAreRefusedBeforeTheyAreRead()
    {
        var honest = Open(Receipts, 2, Beta).Encode();
        // The receipt path's count byte follows magic, version, job, receipt length and receipt.
        int countOffset = 4 + 2 + 4 + 2 + ReceiptCodec.Encode(Receipts[2]).Length;
        honest[countOffset] = ReceiptLimits.MaxPathLength + 1;
        var verdict = Judge(honest);
        Assert.That(verdict.Kind, Is.EqualTo(OpeningVerdictKind.Malformed));
        Assert.That(verdict.Detail, Does.Contain($"exceeds its limit of {ReceiptLimits.MaxPathLength}"));
    }

    [Test]
    public void EpochDecodingRefusesBadInput()
    {
        var good = Commitment.Encode();
        Assert.That(EpochCommitment.Decode(good).Hash(), Is.EqualTo(Commitment.Hash()));
        Assert.Throws<ToolkitFormatException>(() => EpochCommitment.Decode(good[..^1]));
        Assert.Throws<ToolkitFormatException>(() => EpochCommitment.Decode([.. good, 0]));
        Assert.Throws<ToolkitFormatException>(() => EpochCommitment.Decode([.. "TSCR"u8, .. good[4..]]));
        var zeroJobs = (byte[])good.Clone();
        zeroJobs.AsSpan(4 + 2 + 32 + 8 + 32 + 8, 4).Clear();
        Assert.That(Assert.Throws<ToolkitFormatException>(() => EpochCommitment.Decode(zeroJobs))!.Message, Does.Contain("job count 0"));
        Assert.Throws<ArgumentOutOfRangeException>(() => OpeningJudge.Judge(Commitment, Beta, Jobs, null, S.TestRoot));
    }
}
