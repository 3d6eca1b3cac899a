using System.Security.Cryptography;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Vdf;

namespace TensorCash.Chain.Consensus;

/// <summary>The VDF tick of a block: v, T and the evidence (y || π) that shows v.</summary>
public sealed record VdfTick(Hash256 Output, uint Ticks, byte[] Evidence);

/// <summary>
/// The VDF bound into every block (docs/protocol/vdf.md, "Chain binding"): block h's VDF is seeded by hashPrevBlock, runs
/// T = <see cref="ChainParams.VdfTicks"/> squarings in a discriminant of <see cref="ChainParams.VdfDiscriminantBits"/>
/// bits, and the header carries v = SHA-256(enc(y)) and T; the block carries y and π next to the header.
/// <para>
/// Both directions are memoized (bounded, thread-safe): a verdict is a pure function of (parent hash, bits, T, evidence)
/// and an evaluation of (parent hash, bits, T), so a cache changes no result. It saves the miner re-evaluating a
/// parent it already ticked, and a node re-verifying evidence it saw in a headers message or evaluated itself.
/// Only acceptances are cached; a rejection is recomputed, so no cache entry can make a bad block look good.
/// </para>
/// </summary>
public static class BlockVdf
{
    /// <summary>How many evaluations and verdicts each cache keeps (oldest forgotten first).</summary>
    public const int CacheEntries = 4096;

    private static readonly BoundedCache<Hash256, VdfTick> Evaluations = new(CacheEntries);
    private static readonly BoundedCache<Hash256, bool> Accepted = new(CacheEntries);

    /// <summary>The tick a block on <paramref name="parent"/> must carry: T squarings from the parent's seed.</summary>
    public static VdfTick Evaluate(Hash256 parent, ChainParams parameters)
    {
        var key = EvaluationKey(parent, parameters);
        if (Evaluations.TryGet(key, out var cached)) return cached;
        var setup = VdfSetup.FromSeed(parent.ToArray(), parameters.VdfDiscriminantBits, parameters.VdfChallengeBits);
        var result = WesolowskiVdf.Evaluate(setup, parameters.VdfTicks);
        var tick = new VdfTick(new Hash256(WesolowskiVdf.OutputHash(result.Output, setup.Bits)), parameters.VdfTicks,
            VdfProofCodec.Encode(result, setup.Bits));
        Evaluations.Add(key, tick);
        Accepted.Add(VerdictKey(parent, parameters, tick.Evidence), true);
        return tick;
    }

    /// <summary>
    /// The header's VDF rules, cheapest first: "bad-vdf-ticks" (T is not the network's), "bad-vdf-encoding" (evidence of
    /// the wrong size or a malformed form), "bad-vdf-discriminant" (a form of another discriminant, e.g. another
    /// parent's), "bad-vdf-noncanonical" (a form that is not reduced), "bad-vdf-output" (v ≠ SHA-256(enc(y))),
    /// "bad-vdf-proof" (π^ℓ · g^(2^T mod ℓ) ≠ y). The genesis header is not checked here.
    /// </summary>
    public static RuleViolation? Check(BlockHeader header, ReadOnlySpan<byte> evidence, ChainParams parameters)
    {
        if (header.VdfTicks != parameters.VdfTicks)
            return new RuleViolation("bad-vdf-ticks", $"header T = {header.VdfTicks}; the network's VDF takes T = {parameters.VdfTicks}");
        int expected = VdfProofCodec.EncodedBytes(parameters.VdfDiscriminantBits);
        if (evidence.Length != expected)
            return new RuleViolation("bad-vdf-encoding", $"VDF evidence is {evidence.Length} bytes; at {parameters.VdfDiscriminantBits} bits it is {expected}");
        var key = VerdictKey(header.PrevBlock, parameters, evidence);
        if (Accepted.TryGet(key, out _))
        {
            // The evidence verified for this parent before; v must still name its y.
            return CheckOutput(header, evidence[..(expected / 2)]);
        }

        var setup = VdfSetup.FromSeed(header.PrevBlock.ToArray(), parameters.VdfDiscriminantBits, parameters.VdfChallengeBits);
        int formBytes = setup.FormBytes;
        foreach (var (offset, name) in new[] { (0, "output y"), (formBytes, "proof π") })
        {
            if (FormEncoding.TryDecode(evidence.Slice(offset, formBytes), setup.Discriminant, setup.Bits, out var rejection) is null)
                return Violation(rejection!, $"VDF {name} of block {header.Hash}");
        }
        if (CheckOutput(header, evidence[..formBytes]) is { } wrongOutput) return wrongOutput;
        VdfProofCodec.DecodeAndVerify(evidence, setup, header.VdfTicks, out var proofRejection);
        if (proofRejection is not null) return Violation(proofRejection, $"VDF of block {header.Hash}");
        Accepted.Add(key, true);
        return null;
    }

    private static RuleViolation? CheckOutput(BlockHeader header, ReadOnlySpan<byte> encodedOutput)
    {
        var v = new Hash256(SHA256.HashData(encodedOutput));
        return v == header.VdfOutput ? null
            : new RuleViolation("bad-vdf-output", $"header v = {header.VdfOutput}; SHA-256 of the evidence's y is {v}");
    }

    private static RuleViolation Violation(VdfRejection rejection, string what) => new(rejection.Reason switch
    {
        VdfRejectReason.Encoding => "bad-vdf-encoding",
        VdfRejectReason.Discriminant => "bad-vdf-discriminant",
        VdfRejectReason.NotReduced => "bad-vdf-noncanonical",
        _ => "bad-vdf-proof",
    }, $"{what}: {rejection.Message}");

    private static Hash256 EvaluationKey(Hash256 parent, ChainParams parameters) =>
        new(SHA256.HashData([.. parent.ToArray(), .. BitConverter.GetBytes(parameters.VdfDiscriminantBits), .. BitConverter.GetBytes(parameters.VdfTicks), .. BitConverter.GetBytes(parameters.VdfChallengeBits)]));

    private static Hash256 VerdictKey(Hash256 parent, ChainParams parameters, ReadOnlySpan<byte> evidence) =>
        new(SHA256.HashData([.. EvaluationKey(parent, parameters).ToArray(), .. evidence]));
}
