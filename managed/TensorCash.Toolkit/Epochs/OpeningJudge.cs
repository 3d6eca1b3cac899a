using TensorCash.Proof;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Selection;

namespace TensorCash.Toolkit.Epochs;

public enum OpeningVerdictKind
{
    /// <summary>The receipt is in the committed tree, valid, and the sampled position opens under its trace commitment.</summary>
    Valid = 0,
    /// <summary>Nothing was delivered before the deadline: the paper's automatic slash ("withholding is self-defeating").</summary>
    FailureToOpen,
    /// <summary>Bytes were delivered but are not an opening or the receipt in it does not decode; treated as not opening.</summary>
    Malformed,
    /// <summary>The opening is for another job than the one sampled.</summary>
    WrongJob,
    /// <summary>The receipt's path does not lead to the committed receipts root at the sampled index.</summary>
    ReceiptPathInvalid,
    /// <summary>The committed receipt names another node than the commitment.</summary>
    ReceiptFromAnotherNode,
    /// <summary>The committed receipt fails <see cref="ReceiptVerifier"/> (attestation, measurement or a signature).</summary>
    ReceiptInvalid,
    /// <summary>The opened position is not the one the VRF output selects for this job.</summary>
    WrongPosition,
    /// <summary>The position's leaf and path do not lead to the receipt's trace commitment.</summary>
    PositionPathInvalid,
}

public sealed record OpeningVerdict(OpeningVerdictKind Kind, string Detail, Receipt? Receipt = null)
{
    public bool IsValid => Kind == OpeningVerdictKind.Valid;
}

/// <summary>
/// The verdict on one sampled job of an epoch commitment: given the commitment, the verified sampling VRF output, the
/// sampled job index and what the node delivered by the deadline (null: nothing), whether the node opened the job.
/// Pure and deterministic, so every verifier reaches the same verdict; the deadline itself is the caller's (network)
/// concern and reaches this function only as "delivered or not".
/// <para>
/// A valid opening proves: this exact receipt was committed at this index before the beacon; it carries a quote the
/// trusted root vouches for, with a matching measurement and valid enclave, node and payer signatures; and the leaf
/// at the VRF-chosen position is the one committed in its trace. It does not prove that the leaf's logits are what the
/// model computes; that is the committee's teacher-forced check of the revealed step, which needs the model.
/// </para>
/// </summary>
public static class OpeningJudge
{
    public static OpeningVerdict Judge(EpochCommitment commitment, ReadOnlySpan<byte> samplingBeta, uint jobIndex, byte[]? delivered, QuoteVerifiers roots)
    {
        if (jobIndex >= commitment.JobCount) throw new ArgumentOutOfRangeException(nameof(jobIndex), $"job {jobIndex} is outside the commitment's {commitment.JobCount} jobs");
        if (delivered is null) return new(OpeningVerdictKind.FailureToOpen, $"job {jobIndex} was not opened before the deadline");

        ReceiptOpening opening;
        Receipt receipt;
        try
        {
            opening = ReceiptOpening.Decode(delivered);
            receipt = ReceiptCodec.Decode(opening.ReceiptBytes);
        }
        catch (ToolkitFormatException e)
        {
            return new(OpeningVerdictKind.Malformed, e.Message);
        }
        if (opening.JobIndex != jobIndex) return new(OpeningVerdictKind.WrongJob, $"opened job {opening.JobIndex}; job {jobIndex} was sampled");

        var root = ReceiptsTree.RootFromPath(ReceiptCodec.Hash(receipt), (int)jobIndex, (int)commitment.JobCount, opening.ReceiptPath);
        if (root is null || !root.AsSpan().SequenceEqual(commitment.ReceiptsRoot))
            return new(OpeningVerdictKind.ReceiptPathInvalid, $"the receipt and its {opening.ReceiptPath.Count}-node path do not lead to the committed receipts root", receipt);
        if (!receipt.Body.NodePublicKey.AsSpan().SequenceEqual(commitment.NodeId))
            return new(OpeningVerdictKind.ReceiptFromAnotherNode, $"the receipt names node {Convert.ToHexStringLower(receipt.Body.NodePublicKey)}", receipt);
        var verdict = ReceiptVerifier.Verify(receipt, roots);
        if (!verdict.IsValid) return new(OpeningVerdictKind.ReceiptInvalid, $"{verdict.Reason}: {verdict.Detail}", receipt);

        int traceLength = (int)receipt.Body.TraceLength;
        int expected = JobSampling.Position(samplingBeta, (int)jobIndex, traceLength);
        if (opening.Position != expected) return new(OpeningVerdictKind.WrongPosition, $"opened position {opening.Position}; position {expected} was sampled", receipt);
        var traceRoot = WindowMerkleTree.RootFromPath(opening.PositionLeaf, expected, traceLength, opening.PositionPath);
        if (traceRoot is null || !traceRoot.AsSpan().SequenceEqual(receipt.Body.TraceCommitment))
            return new(OpeningVerdictKind.PositionPathInvalid, $"position {expected}'s leaf and path do not lead to the trace commitment", receipt);
        return new(OpeningVerdictKind.Valid, $"job {jobIndex} position {expected} opened", receipt);
    }
}
