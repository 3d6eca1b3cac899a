using System.Security.Cryptography;
using TensorCash.Toolkit.Vrf;

namespace TensorCash.Toolkit.Selection;

/// <summary>A registered verifier: its VRF public key (registered before the beacon) and its weight (bond).</summary>
public sealed record RegisteredVerifier(byte[] VrfPublicKey, ulong Weight);

/// <summary>A verifier's claim to a seat: its VRF proof over the committee alpha.</summary>
public sealed record CommitteeClaim(byte[] VrfPublicKey, byte[] Proof);

/// <summary>Why a claim was not counted.</summary>
public enum ClaimRejectReason
{
    /// <summary>The key is not in the registered set (a key made after the beacon could be ground).</summary>
    UnregisteredKey = 1,
    /// <summary>A second valid claim for a key that already has a seat in the ranking.</summary>
    DuplicateClaim,
    /// <summary>The VRF proof does not verify for this key and alpha (VrfReason says why).</summary>
    InvalidProof,
}

public sealed record RejectedClaim(byte[] VrfPublicKey, ClaimRejectReason Reason, VrfRejectReason VrfReason);

/// <summary>A seat: the verifier, its weight and its ticket -log2(u)/weight (Q64.64 numerator, weight denominator).</summary>
public sealed record CommitteeSeat(byte[] VrfPublicKey, ulong Weight, UInt128 NegativeLog2);

public sealed record CommitteeSelection(IReadOnlyList<CommitteeSeat> Members, IReadOnlyList<RejectedClaim> Rejected);

/// <summary>
/// A weighted committee of k without replacement, keyed by each verifier's own VRF (Efraimidis-Spirakis): verifier i
/// with output beta_i draws u_i = (w + 1) / 2^64 from w = the first 8 bytes (little-endian) of
/// SHA-256("TSC-VRF-TICKET" || beta_i), and the committee is the k claims with the smallest -ln(u_i) / weight_i, ties
/// broken by the public key bytes. -log2 replaces -ln (the ratio of the two is a constant, so the order is the same) and
/// is computed in fixed point (<see cref="NegativeLog2"/>), ratios compared by cross-multiplication, so the ranking is
/// integer-exact. A verifier with twice the weight is twice as likely to hold a given seat of a one-seat committee.
/// <para>
/// What a verifier can and cannot do: its ticket is a deterministic function of its registered key and the public
/// alpha, so without its secret key nobody can compute it, and with its key it has exactly one ticket per alpha; it
/// cannot move it. It can withhold its claim, which only removes itself. It cannot push anyone else out except by
/// holding a genuinely lower ticket.
/// </para>
/// </summary>
public static class Committee
{
    public const int MaxRegisteredVerifiers = 100_000;
    public const int MaxCommitteeSize = 1024;

    /// <summary>Claims examined per selection (duplicates and invalid ones included); each costs one VRF verification.</summary>
    public const int MaxClaims = 2 * MaxRegisteredVerifiers;

    public static CommitteeSelection Select(ReadOnlySpan<byte> alpha, IReadOnlyList<RegisteredVerifier> registered, IReadOnlyList<CommitteeClaim> claims, int size)
    {
        if (registered.Count > MaxRegisteredVerifiers) throw new ArgumentException($"{registered.Count} registered verifiers exceed the limit of {MaxRegisteredVerifiers}");
        if (claims.Count > MaxClaims) throw new ArgumentException($"{claims.Count} claims exceed the limit of {MaxClaims}");
        if (size is < 1 or > MaxCommitteeSize) throw new ArgumentOutOfRangeException(nameof(size), $"committee size {size} is outside 1..{MaxCommitteeSize}");
        var weights = new Dictionary<string, ulong>();
        foreach (var v in registered)
        {
            if (v.Weight == 0) throw new ArgumentException("a registered verifier has weight 0");
            if (!weights.TryAdd(Convert.ToHexStringLower(v.VrfPublicKey), v.Weight)) throw new ArgumentException("a VRF key is registered twice");
        }

        var seats = new List<CommitteeSeat>();
        var rejected = new List<RejectedClaim>();
        var claimed = new HashSet<string>();
        foreach (var claim in claims)
        {
            var key = Convert.ToHexStringLower(claim.VrfPublicKey);
            if (!weights.TryGetValue(key, out var weight))
            {
                rejected.Add(new(claim.VrfPublicKey, ClaimRejectReason.UnregisteredKey, VrfRejectReason.None));
                continue;
            }
            // The proof is checked before the key counts as claimed: otherwise anyone could lock an honest verifier
            // out by sending a bogus claim under its key first.
            var verification = EcVrf.Verify(claim.VrfPublicKey, alpha, claim.Proof);
            if (!verification.IsValid) rejected.Add(new(claim.VrfPublicKey, ClaimRejectReason.InvalidProof, verification.Reason));
            else if (!claimed.Add(key)) rejected.Add(new(claim.VrfPublicKey, ClaimRejectReason.DuplicateClaim, VrfRejectReason.None));
            else seats.Add(new CommitteeSeat(claim.VrfPublicKey, weight, TicketOf(verification.Output!)));
        }
        seats.Sort(CompareSeats);
        return new CommitteeSelection(seats.Take(size).ToArray(), rejected);
    }

    /// <summary>-log2(u) in Q64.64 for a VRF output; divide by the weight (as <see cref="CompareSeats"/> does) for the ticket.</summary>
    public static UInt128 TicketOf(ReadOnlySpan<byte> beta)
    {
        if (beta.Length != EcVrf.OutputSize) throw new ArgumentException($"a VRF output is {EcVrf.OutputSize} bytes, not {beta.Length}");
        var digest = SHA256.HashData([.. ToolkitTags.CommitteeTicket, .. beta]);
        return NegativeLog2.Q64(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest));
    }

    internal static int CompareSeats(CommitteeSeat a, CommitteeSeat b)
    {
        int byTicket = NegativeLog2.CompareRatios(a.NegativeLog2, a.Weight, b.NegativeLog2, b.Weight);
        return byTicket != 0 ? byTicket : a.VrfPublicKey.AsSpan().SequenceCompareTo(b.VrfPublicKey);
    }
}
