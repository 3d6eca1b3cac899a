using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;
using TensorCash.Toolkit.Selection;
using TensorCash.Toolkit.Vrf;

namespace TensorCash.Tests.Toolkit;

public class SelectionTests
{
    private static readonly byte[] Beacon = SHA256.HashData("beacon 7"u8.ToArray());

    private static byte[] Beta(int i) => SHA512.HashData(Encoding.ASCII.GetBytes($"beta {i}"));

    private static byte[] Alpha(byte[]? beacon = null, ulong epoch = 7, uint job = 0) =>
        SelectionInput.Alpha(SelectionPurpose.Committee, beacon ?? Beacon, epoch, ToolkitSamples.NodeId, job);

    [Test]
    public void JobsAreDistinctSortedAndInRange()
    {
        for (int i = 0; i < 200; i++)
        {
            var jobs = JobSampling.Jobs(Beta(i), 50, 10);
            Assert.That(jobs, Has.Length.EqualTo(10));
            Assert.That(jobs, Is.Ordered.And.Unique);
            Assert.That(jobs.All(j => j is >= 0 and < 50));
        }
        Assert.That(JobSampling.Jobs(Beta(0), 5, 5), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(JobSampling.Jobs(Beta(0), 5, 0), Is.Empty);
    }

    [Test]
    public void EachJobIsEquallyLikely()
    {
        // 20000 one-job samples of 10 jobs; chi-square with 9 degrees of freedom below 27.88 (p = 0.001).
        var counts = new int[10];
        for (int i = 0; i < 20000; i++) counts[JobSampling.Jobs(Beta(i), 10, 1)[0]]++;
        Assert.That(ChiSquare(counts, Enumerable.Repeat(2000.0, 10).ToArray()), Is.LessThan(27.88), string.Join(",", counts));
    }

    [Test]
    public void PositionsAreUniformAndIndependentOfTheJob()
    {
        var counts = new int[7];
        for (int i = 0; i < 14000; i++) counts[JobSampling.Position(Beta(i), 3, 7)]++;
        Assert.That(ChiSquare(counts, Enumerable.Repeat(2000.0, 7).ToArray()), Is.LessThan(22.46), string.Join(",", counts)); // 6 df, p = 0.001
        int differ = Enumerable.Range(0, 100).Count(i => JobSampling.Position(Beta(i), 0, 1 << 20) != JobSampling.Position(Beta(i), 1, 1 << 20));
        Assert.That(differ, Is.GreaterThan(95));
    }

    [Test]
    public void RejectionSamplingRemovesModuloBias()
    {
        // n = 2/3 of 2^64: plain "word mod n" would put 2/3 of the draws in the lower half of [0, n).
        ulong n = 0xAAAA_AAAA_AAAA_AAAA;
        var stream = new UniformStream("modulo"u8);
        int lower = Enumerable.Range(0, 4000).Count(_ => stream.Below(n) < n / 2);
        Assert.That(lower / 4000.0, Is.InRange(0.46, 0.54));
    }

    [Test]
    public void NegativeLog2IsExactAtPowersOfTwoAndCloseElsewhere()
    {
        Assert.That(NegativeLog2.Q64(ulong.MaxValue), Is.EqualTo(UInt128.Zero));                 // u = 1
        Assert.That(NegativeLog2.Q64((1UL << 63) - 1), Is.EqualTo((UInt128)1 << 64));             // u = 1/2
        Assert.That(NegativeLog2.Q64(0), Is.EqualTo((UInt128)64 << 64));                          // u = 2^-64
        foreach (ulong w in new ulong[] { 1, 12345, 1UL << 40, 0x9E3779B97F4A7C15 })
        {
            double expected = -Math.Log2((w + 1.0) / 18446744073709551616.0);
            double actual = (double)NegativeLog2.Q64(w) / 18446744073709551616.0;
            Assert.That(actual, Is.EqualTo(expected).Within(1e-12), $"w = {w}");
        }
    }

    [Test]
    public void OneSeatGoesToEachVerifierInProportionToWeight()
    {
        // Tickets straight from simulated VRF outputs (the VRF itself is tested against the RFC): 20000 one-seat draws
        // among weights 1:2:3:4; chi-square with 3 degrees of freedom below 16.27 (p = 0.001).
        ulong[] weights = [1, 2, 3, 4];
        var counts = new int[4];
        for (int trial = 0; trial < 20000; trial++)
        {
            var seats = weights.Select((w, v) => new CommitteeSeat([(byte)v], w, Committee.TicketOf(Beta(trial * 4 + v)))).ToList();
            seats.Sort(Committee.CompareSeats);
            counts[seats[0].VrfPublicKey[0]]++;
        }
        Assert.That(ChiSquare(counts, [2000, 4000, 6000, 8000]), Is.LessThan(16.27), string.Join(",", counts));
    }

    [Test]
    public void CommitteeFromRealVrfProofsIsDeterministicAndHasDistinctMembers()
    {
        var keys = Enumerable.Range(0, 8).Select(i => ToolkitSamples.Key($"verifier {i}")).ToArray();
        var registered = keys.Select((k, i) => new RegisteredVerifier(EcVrf.PublicKey(k), (ulong)(i + 1))).ToArray();
        var alpha = Alpha();
        var claims = keys.Select(k => new CommitteeClaim(EcVrf.PublicKey(k), EcVrf.Prove(k, alpha))).ToArray();
        var first = Committee.Select(alpha, registered, claims, 3);
        var again = Committee.Select(alpha, registered, claims.Reverse().ToArray(), 3);
        Assert.That(first.Rejected, Is.Empty);
        Assert.That(first.Members, Has.Count.EqualTo(3));
        Assert.That(first.Members.Select(m => Convert.ToHexString(m.VrfPublicKey)), Is.Unique);
        Assert.That(again.Members.Select(m => Convert.ToHexString(m.VrfPublicKey)), Is.EqualTo(first.Members.Select(m => Convert.ToHexString(m.VrfPublicKey))), "claim order must not matter");

        // Another beacon, another epoch or another job is another alpha and (almost surely) another committee.
        int changed = 0;
        for (int b = 0; b < 4; b++)
        {
            var otherAlpha = Alpha(SHA256.HashData(Encoding.ASCII.GetBytes($"beacon other {b}")));
            var other = Committee.Select(otherAlpha, registered, keys.Select(k => new CommitteeClaim(EcVrf.PublicKey(k), EcVrf.Prove(k, otherAlpha))).ToArray(), 3);
            if (!other.Members.Select(m => Convert.ToHexString(m.VrfPublicKey)).SequenceEqual(first.Members.Select(m => Convert.ToHexString(m.VrfPublicKey)))) changed++;
        }
        Assert.That(changed, Is.GreaterThan(0));
    }

    [Test]
    public void AVerifierCannotBiasItsTicketWithoutTheSecretKey()
    {
        var keys = Enumerable.Range(0, 4).Select(i => ToolkitSamples.Key($"verifier {i}")).ToArray();
        var registered = keys.Select(k => new RegisteredVerifier(EcVrf.PublicKey(k), 1)).ToArray();
        var alpha = Alpha();
        var honest = keys.Select(k => new CommitteeClaim(EcVrf.PublicKey(k), EcVrf.Prove(k, alpha))).ToList();

        // Its own key gives one proof per alpha: proving again gives the same bytes, so there is nothing to choose from.
        Assert.That(EcVrf.Prove(keys[0], alpha), Is.EqualTo(honest[0].Proof));

        // Grinding: a proof made for another alpha (an old beacon, another job) or a tampered proof does not count.
        var cheat = honest.ToList();
        cheat[0] = cheat[0] with { Proof = EcVrf.Prove(keys[0], Alpha(job: 1)) };
        var selection = Committee.Select(alpha, registered, cheat, 2);
        Assert.That(selection.Rejected.Single().Reason, Is.EqualTo(ClaimRejectReason.InvalidProof));
        Assert.That(selection.Rejected.Single().VrfReason, Is.EqualTo(VrfRejectReason.ChallengeMismatch));

        // Claiming another verifier's (lower) ticket: its proof does not verify under the claimant's key.
        cheat = honest.ToList();
        cheat[0] = cheat[0] with { Proof = honest[1].Proof };
        Assert.That(Committee.Select(alpha, registered, cheat, 2).Rejected.Single().Reason, Is.EqualTo(ClaimRejectReason.InvalidProof));

        // Fresh keys after the beacon (grinding keys): only registered keys count, and each may claim once.
        var fresh = ToolkitSamples.Key("made after the beacon");
        cheat = [.. honest, new CommitteeClaim(EcVrf.PublicKey(fresh), EcVrf.Prove(fresh, alpha))];
        var withFresh = Committee.Select(alpha, [.. registered, new RegisteredVerifier(new byte[32], 1)], cheat, 2);
        Assert.That(withFresh.Rejected.Single().Reason, Is.EqualTo(ClaimRejectReason.UnregisteredKey));
        var twice = Committee.Select(alpha, [.. registered, new RegisteredVerifier(new byte[32], 1)], [.. honest, honest[0]], 2);
        Assert.That(twice.Rejected.Single().Reason, Is.EqualTo(ClaimRejectReason.DuplicateClaim));

        // A bogus claim sent under an honest verifier's key first does not lock that verifier out.
        var frontRun = Committee.Select(alpha, registered, [honest[1] with { Proof = honest[2].Proof }, .. honest], 4);
        Assert.That(frontRun.Members, Has.Count.EqualTo(4));
        Assert.That(frontRun.Rejected.Single().Reason, Is.EqualTo(ClaimRejectReason.InvalidProof));

        // Withholding removes only the withholder: the others keep their relative order.
        var full = Committee.Select(alpha, registered, honest, 4).Members.Select(m => Convert.ToHexString(m.VrfPublicKey)).ToList();
        var without = Committee.Select(alpha, registered, honest.Skip(1).ToArray(), 3).Members.Select(m => Convert.ToHexString(m.VrfPublicKey)).ToList();
        Assert.That(without, Is.EqualTo(full.Where(k => k != Convert.ToHexString(honest[0].VrfPublicKey)).ToList()));
    }

    [Test]
    public void JobSamplingCannotBeSteeredWithoutTheKey()
    {
        var key = ToolkitSamples.Key("sampler");
        var alpha = SelectionInput.Alpha(SelectionPurpose.Jobs, Beacon, 7, ToolkitSamples.NodeId, 0);
        var beta = EcVrf.Verify(EcVrf.PublicKey(key), alpha, EcVrf.Prove(key, alpha)).Output!;
        Assert.That(JobSampling.Jobs(beta, 1000, 5), Is.EqualTo(JobSampling.Jobs(EcVrf.ProofToHash(EcVrf.Prove(key, alpha))!, 1000, 5)));
        // The purpose is part of alpha: a committee proof is no job-sampling proof.
        var committeeAlpha = SelectionInput.Alpha(SelectionPurpose.Committee, Beacon, 7, ToolkitSamples.NodeId, 0);
        Assert.That(EcVrf.Verify(EcVrf.PublicKey(key), alpha, EcVrf.Prove(key, committeeAlpha)).IsValid, Is.False);
        // Another beacon gives another sample.
        var otherAlpha = SelectionInput.Alpha(SelectionPurpose.Jobs, SHA256.HashData("beacon 8"u8.ToArray()), 7, ToolkitSamples.NodeId, 0);
        Assert.That(JobSampling.Jobs(EcVrf.ProofToHash(EcVrf.Prove(key, otherAlpha))!, 1000, 5), Is.Not.EqualTo(JobSampling.Jobs(beta, 1000, 5)));
    }

    [Test]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => JobSampling.Jobs(new byte[63], 10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobSampling.Jobs(Beta(0), 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobSampling.Jobs(Beta(0), 10, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobSampling.Position(Beta(0), 0, 0));
        Assert.Throws<ArgumentException>(() => SelectionInput.Alpha(SelectionPurpose.Jobs, [], 1, ToolkitSamples.NodeId, 0));
        Assert.Throws<ArgumentException>(() => SelectionInput.Alpha((SelectionPurpose)9, Beacon, 1, ToolkitSamples.NodeId, 0));
        Assert.Throws<ArgumentException>(() => Committee.Select(Alpha(), [new RegisteredVerifier(new byte[32], 0)], [], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Committee.Select(Alpha(), [], [], 0));
    }

    private static double ChiSquare(int[] observed, double[] expected) =>
        observed.Select((o, i) => (o - expected[i]) * (o - expected[i]) / expected[i]).Sum();
}
