using System.Diagnostics;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Proving.Replay;
using TensorCash.Tests.Runtime;
using static TensorCash.Tests.Proving.ReplayTranscriptsForTests;

namespace TensorCash.Tests.Proving;

/// <summary>
/// One regression test per attack on the proof (docs/protocol/tier2-replay.md), each on real builtin:tiny proofs under
/// its pinned profile and each asserting the specific reason the attack is stopped with. The attacker always rebuilds
/// the header claim from its own edited transcript (<see cref="TinyProofs.AttackerCandidate(ProofTranscript)"/>), so
/// tier 1 accepts everything that is internally consistent and the replay has to do the catching.
/// </summary>
[Category("Runtime")]
public class ReplayAttackTests
{
    private const int W = 16;
    private const int Edited = 5;
    private static readonly Tier2Options Exact = new();
    private static readonly Tier2Options Tolerant = new() { Mode = ComparisonMode.Tolerant };

    private TinyProofs _proofs = null!;
    private ProveResult _honest = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _proofs = new TinyProofs();
        _honest = _proofs.Prove();
        Assert.That(_proofs.AttackerCandidate(_honest.Transcript)?.ProofCommitment, Is.EqualTo(_honest.Window.ProofCommitment), "the honest proof passes tier 1");
        Assert.That(Tier2Verifier.Verify(_honest.Transcript, _proofs.Tiny.Transformer, Exact), Is.Empty, "and exact tier 2");
    }

    [OneTimeTearDown]
    public void TearDown() => _proofs.Dispose();

    private static string Describe(IEnumerable<Rejection> rejections) => string.Join("\n", rejections);

    private static ProofTranscript LowBitEdit(ProofTranscript honest, RejectReason kind, int step = Edited) => kind switch
    {
        RejectReason.SketchMismatch => TinyProofs.FlipSketchBit(honest, step),
        RejectReason.StatisticsMismatch => TinyProofs.WithStatistics(honest, step, s => s with { EntropyBits = s.EntropyBits ^ 1u }),
        // One ulp of the lowest committed logit: too small to move this step's draw (tier 1 accepts, asserted below).
        RejectReason.EvidenceLogitMismatch => WithStep(honest, step, s =>
        {
            var lowest = s.Evidence.Candidates.MinBy(c => BitConverter.UInt32BitsToSingle(c.LogitBits))!;
            return s with { Evidence = new StepEvidence(s.Evidence.Candidates.Select(c => c == lowest ? c with { LogitBits = c.LogitBits ^ 1u } : c)) };
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // (a) One low bit of a sketch value, a statistic or an evidence logit: tier 1 cannot see it (the draw is unchanged),
    // the rebuilt claim gives another D, and exact replay rejects that step with the matching reason, stopping there.
    [TestCase(RejectReason.SketchMismatch)]
    [TestCase(RejectReason.StatisticsMismatch)]
    [TestCase(RejectReason.EvidenceLogitMismatch)]
    public void LowBitEditIsRejectedByExactReplayAndChangesTheCommitment(RejectReason kind)
    {
        var edited = LowBitEdit(_honest.Transcript, kind);
        var candidate = _proofs.AttackerCandidate(edited);
        Assert.That(candidate, Is.Not.Null, "the edit is invisible to tier 1 once the attacker rebuilds its claim");
        Assert.That(candidate!.ProofCommitment, Is.Not.EqualTo(_honest.Window.ProofCommitment), "every committed bit is under D");
        Assert.That(candidate.PathDigest, Is.EqualTo(_honest.Window.PathDigest), "the tokens did not change");

        var keepHonestClaim = Tier1Verifier.Verify(edited, _proofs.Options(edited.Header.Profile, edited.Header.Binding, _honest.Window));
        Assert.That(keepHonestClaim.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.CommitmentMismatch }), "nor can it keep the honest header");

        var report = Tier2Verifier.Check(edited, _proofs.Tiny.Transformer, Exact);
        Assert.That(report.Rejections.Select(r => (r.Reason, r.Step)), Is.EqualTo(new[] { (kind, Edited) }), Describe(report.Rejections));
        Assert.That(report.CheckedSteps, Is.EqualTo(Enumerable.Range(0, Edited + 1)), "exact replay stops at the first bad step");
    }

    // (b) Tolerant mode accepts the same low-bit edits (they are far inside the envelope) under a new D, but the path
    // digest P it vouches for is the honest one: tolerance cannot mint a new path, and D is not what it vouches for.
    [TestCase(RejectReason.SketchMismatch)]
    [TestCase(RejectReason.StatisticsMismatch)]
    [TestCase(RejectReason.EvidenceLogitMismatch)]
    public void TolerantAcceptanceVouchesOnlyForTheUnchangedPath(RejectReason kind)
    {
        var edited = LowBitEdit(_honest.Transcript, kind);
        var candidate = _proofs.AttackerCandidate(edited)!;
        var tolerant = Tier2Verifier.Check(edited, _proofs.Tiny.Transformer, Tolerant);
        Assert.That(tolerant.Rejections, Is.Empty, Describe(tolerant.Rejections));
        Assert.That(tolerant.MaxNormalizedDeviation, Is.GreaterThan(0), "the edit is seen, and judged within tolerance");
        Assert.That(candidate.ProofCommitment, Is.Not.EqualTo(_honest.Window.ProofCommitment));
        Assert.That(candidate.PathDigest, Is.EqualTo(_honest.Window.PathDigest), "tolerant acceptance vouches for P, and P is the honest path");
        Assert.That(Tier2Verifier.Verify(edited, _proofs.Tiny.Transformer, Exact).Select(r => r.Reason), Is.EqualTo(new[] { kind }),
            "block validity is exact: the new D is rejected");
    }

    // (c) Sampled replay, S of W steps, positions from each verifier's private seed. The attacker edits a step and
    // regrinds D as often as it likes; nothing it can compute tells it which steps a verifier will check.
    [Test]
    public void PrivatePositionsCannotBeGroundAgainst()
    {
        const int s = 12;
        // Regrinding: 32 variants of the same cheat, each flipping another bit of one sketch value: 32 commitments.
        var variants = Enumerable.Range(0, 32).Select(bit => TinyProofs.FlipSketchBit(_honest.Transcript, Edited, index: 3, bit)).ToList();
        var commitments = variants.Select(v => Convert.ToHexString(_proofs.AttackerCandidate(v)!.ProofCommitment)).ToList();
        Assert.That(commitments, Is.Unique);

        // Under the old rule (seed = D) the attacker simply keeps the first variant whose positions miss its edit, and
        // that proof then passes a sampled exact replay: with 4 of 16 steps unchecked, a quarter of the variants escape
        // (all 32 miss with probability 0.75^32 ≈ 1e-4).
        var escaping = variants.FirstOrDefault(v => !ReplayPositions.Derive(_proofs.AttackerCandidate(v)!.ProofCommitment, W, s).Contains(Edited));
        Assert.That(escaping, Is.Not.Null, "the commitment-seeded sample is grindable");
        var seededByD = Tier2Verifier.Check(escaping!, _proofs.Tiny.Transformer,
            Exact with { SampledPositions = s, PositionSeed = _proofs.AttackerCandidate(escaping!)!.ProofCommitment });
        Assert.That(seededByD.Accepted, Is.True, "a D-seeded verifier accepts the ground proof");

        // Private seeds: the checked set depends on the verifier's seed alone (the same for every variant), and two
        // verifiers with different seeds check different sets.
        byte[] alice = Enumerable.Repeat((byte)0xA1, 32).ToArray(), bob = Enumerable.Repeat((byte)0xB0, 32).ToArray();
        var aliceSets = variants.Select(v => Tier2Verifier.Check(v, _proofs.Tiny.Transformer, Exact with { SampledPositions = s, PositionSeed = alice })).ToList();
        Assert.That(aliceSets.Select(r => r.Accepted).Distinct().Count(), Is.EqualTo(1), "every regrind meets the same fate at one verifier");
        Assert.That(ReplayPositions.Derive(alice, W, s), Is.Not.EqualTo(ReplayPositions.Derive(bob, W, s)));
    }

    // (c) With a fresh random seed per verification, the escape rate of a cheat editing m of W steps is the
    // hypergeometric C(W−m, S)/C(W, S), below the (1 − f)^S bound (f = m/W); measured through the real replay.
    [Test]
    public void EscapeRateOfSampledReplayMatchesTheBound()
    {
        const int s = 4, trials = 600;
        int[] editedSteps = [3, 11];
        var cheat = TinyProofs.FlipSketchBit(TinyProofs.FlipSketchBit(_honest.Transcript, editedSteps[0]), editedSteps[1], index: 7);
        var cheatCommitment = _proofs.AttackerCandidate(cheat)!.ProofCommitment;
        var rng = new Random(20261202); // stands in for each verifier's own entropy; fixed so a failure can be rerun
        int escaped = 0;
        ReplayChallenge? caught = null;
        var clock = Stopwatch.StartNew();
        for (int trial = 0; trial < trials; trial++)
        {
            var seed = new byte[32];
            rng.NextBytes(seed);
            var report = Tier2Verifier.Check(cheat, _proofs.Tiny.Transformer, Exact with { SampledPositions = s, PositionSeed = seed });
            bool sawEdit = report.CheckedSteps.Intersect(editedSteps).Any();
            Assert.That(report.Accepted, Is.EqualTo(!sawEdit), $"trial {trial}: a check of an edited step rejects, a check of honest steps accepts");
            if (report.Accepted) escaped++;
            else caught ??= ChallengeBuilder.Build(cheat, report.Rejections[0], _proofs.Tiny.Transformer);
        }
        double m = editedSteps.Length, f = m / W;
        double exact = Choose(W - (int)m, s) / Choose(W, s), bound = Math.Pow(1 - f, s), rate = (double)escaped / trials;
        double sigma = Math.Sqrt(exact * (1 - exact) / trials);
        TestContext.Out.WriteLine($"escape {escaped}/{trials} = {rate:F4}; C(W-m,S)/C(W,S) = {exact:F4} ± {sigma:F4}; (1-f)^S = {bound:F4}; {clock.ElapsedMilliseconds} ms");
        Assert.That(rate, Is.EqualTo(exact).Within(4.5 * sigma));
        Assert.That(rate, Is.LessThan(bound + 4.5 * sigma));

        // Any verifier that caught it can prove it to everyone: the fraud proof is bound to the cheat's header commitment.
        var challenge = ReplayChallengeCodec.Decode(ReplayChallengeCodec.Encode(caught!));
        Assert.That(editedSteps, Does.Contain(challenge.Step));
        var verdict = ChallengeChecker.Check(challenge, _proofs.Tiny.Transformer, expectedCommitment: cheatCommitment);
        Assert.That(verdict.Confirmed, Is.True, verdict.Message);
        Assert.That(ChallengeChecker.Check(challenge, _proofs.Tiny.Transformer, expectedCommitment: _honest.Window.ProofCommitment).Confirmed, Is.False,
            "the same fraud proof says nothing about the honest block");
    }

    private static double Choose(int n, int k) => Enumerable.Range(0, k).Aggregate(1.0, (acc, i) => acc * (n - i) / (i + 1));

    // (d) Invented evidence: two tied candidates, zeroed statistics, tokens their draws. Consistent, so tier 1 accepts;
    // a node with the model rejects it at step 0, in both modes.
    [Test]
    public void FabricatedTranscriptPassesTier1AndFailsReplay()
    {
        var fabricated = _proofs.Fabricate(TinyProofs.Profile(W), TinyProofs.Binding(), TinyProofs.Prompt);
        Assert.That(_proofs.AttackerCandidate(fabricated), Is.Not.Null, "tier 1 checks consistency, not truth");

        var exact = Tier2Verifier.Check(fabricated, _proofs.Tiny.Transformer, Exact);
        Assert.That(exact.Rejections.Select(r => r.Reason), Is.EqualTo(new[]
            { RejectReason.EvidenceLogitMismatch, RejectReason.StatisticsMismatch, RejectReason.SketchMismatch }), Describe(exact.Rejections));
        Assert.That(exact.Rejections.Select(r => r.Step), Is.All.EqualTo(0));
        Assert.That(exact.CheckedSteps, Is.EqualTo(new[] { 0 }));

        var tolerant = Tier2Verifier.Verify(fabricated, _proofs.Tiny.Transformer, Tolerant);
        Assert.That(tolerant.Where(r => r.Step == 0).Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch), Describe(tolerant));
    }

    // (e) The most expensive bogus proof to check: the longest prompt the profile allows (1024), the main-net window of
    // 64, step 0 invented. Exact replay pays one prefill of prompt, salt and window (all capped by the profile) and
    // analyses and reports step 0 only.
    [Test]
    public void HeavyBogusProofStopsAtItsFirstBadStep()
    {
        var profile = TinyProofs.Profile(64);
        int[] prompt = Enumerable.Range(0, profile.MaxPromptTokens).Select(i => i == 0 ? Generation.BuiltinTiny.Bos : 32 + i * 7 % 90).ToArray();
        var bogus = _proofs.Fabricate(profile, TinyProofs.Binding(), prompt);
        Assert.That(_proofs.AttackerCandidate(bogus), Is.Not.Null);

        var clock = Stopwatch.StartNew();
        var report = Tier2Verifier.Check(bogus, _proofs.Tiny.Transformer, Exact);
        TestContext.Out.WriteLine($"bogus 1024-token prompt, W = 64: rejected after {report.CheckedSteps.Count} checked step(s) in {clock.ElapsedMilliseconds} ms");
        Assert.That(report.Rejections.Select(r => r.Step).Distinct(), Is.EqualTo(new[] { 0 }), Describe(report.Rejections));
        Assert.That(report.Rejections.Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch));
        Assert.That(report.CheckedSteps, Is.EqualTo(new[] { 0 }));
    }

    // (f) A false fraud proof against an honest block: replay the honest step in a context of the challenger's choosing
    // (another prompt token, another earlier token), where its committed values really do not replay. The leaf covers
    // C_t, so the context cannot be swapped: the checker refutes it on hashes before replaying anything.
    [Test]
    public void FraudProofWithAnotherContextIsRefutedByTheLeaf()
    {
        var transformer = _proofs.Tiny.Transformer;
        var honest = ChallengeBuilder.Build(_honest.Transcript, new Rejection(RejectReason.EvidenceLogitMismatch, Edited, -1, "false claim"), transformer);
        Assert.That(ChallengeChecker.Check(honest, transformer, expectedCommitment: _honest.Window.ProofCommitment).Message,
            Does.StartWith("refuted").And.Contain("replay correctly"), "in its own context the honest step replays");

        int m = honest.PromptLength;
        var contexts = new Dictionary<string, int[]>
        {
            ["another prompt token"] = [.. honest.Context[..(m - 1)], (honest.Context[m - 1] + 1) % 256, .. honest.Context[m..]],
            ["another earlier token"] = [.. honest.Context[..^1], (honest.Context[^1] + 1) % 256],
            ["one prompt token fewer"] = [.. honest.Context[1..]],
        };
        foreach (var (what, context) in contexts)
        {
            var forged = honest with { Context = context, PromptLength = what == "one prompt token fewer" ? m - 1 : m };
            Assert.That(forged.Step, Is.EqualTo(Edited), what);
            // The attack would work without the binding: in the forged context the committed evidence does not replay.
            var modelContext = forged.ModelContext();
            var replayed = ChallengeReplay.Recompute(transformer, modelContext, modelContext.Length - forged.Step, forged.Committed)!;
            var mismatches = StepComparison.Compare(forged.Step, forged.Committed, replayed, transformer.Config.VocabSize, ComparisonMode.Exact,
                ToleranceEnvelope.Default, new DeviationTally());
            Assert.That(mismatches.Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch), what);

            var verdict = ChallengeChecker.Check(forged, transformer, expectedCommitment: _honest.Window.ProofCommitment);
            Assert.That(verdict.Confirmed, Is.False, what);
            Assert.That(verdict.Message, Does.Contain("not bound"), what);

        }

        // The careful forger grinds the earlier token until the draw in its context still gives the committed token,
        // then re-hashes the leaf for that context, so draw and leaf both check out: the leaf is not under the honest root.
        var ground = Enumerable.Range(0, transformer.Config.VocabSize).Where(y => y != honest.Context[^1])
            .Select(y => honest with { Context = [.. honest.Context[..^1], y] })
            .Select(c => (Challenge: c, Step: IsolatedStep.Recompute(c.Binding, c.ModelId, c.Context.AsSpan(0, m), c.Context.AsSpan(m), c.Profile,
                c.Committed.Evidence, c.Committed.Statistics)))
            .First(x => x.Step.Sampled.TokenId == honest.Committed.Token);
        var releafed = ChallengeChecker.Check(ground.Challenge with { LeafHash = ground.Step.Leaf }, transformer, expectedCommitment: _honest.Window.ProofCommitment);
        Assert.That(releafed.Confirmed, Is.False);
        Assert.That(releafed.Message, Does.Contain("do not hash to the proof commitment"));
    }

    // (g) Two attempts on the same prompt under different bindings B: the salts differ, so at every window position the
    // model sees another context. Even fed the same tokens, no window position's logits (hence evidence) carry over;
    // only the prompt's own positions do, as in any server.
    [Test]
    public void AnotherBindingLeavesNoWindowPositionReusable()
    {
        var first = _honest.Transcript;
        var second = _proofs.Prove(TinyProofs.Binding(0x3D)).Transcript;
        int[] salt1 = ProofSalt.For(first.Header), salt2 = ProofSalt.For(second.Header);
        Assert.That(salt2, Is.Not.EqualTo(salt1));

        int m = TinyProofs.Prompt.Length, saltLength = salt1.Length, vocab = _proofs.Tiny.Vocab;
        int[] tokens = first.Steps.Select(s => s.Token).ToArray();
        var reused = ForwardRunner.Prefill(_proofs.Tiny.Transformer, [.. TinyProofs.Prompt, .. salt1, .. tokens[..^1]]);
        var fresh = ForwardRunner.Prefill(_proofs.Tiny.Transformer, [.. TinyProofs.Prompt, .. salt2, .. tokens[..^1]]);
        bool SameRow(int row) => Native.BitAssert.Same(reused.AsSpan(row * vocab, vocab), fresh.AsSpan(row * vocab, vocab));

        Assert.That(Enumerable.Range(0, m).All(SameRow), Is.True, "the prompt's positions are the same computation (and reusable)");
        var sameWindowRows = Enumerable.Range(0, W).Where(t => SameRow(m + saltLength - 1 + t)).ToList();
        Assert.That(sameWindowRows, Is.Empty, "window positions whose logits carry over to the other binding");
        for (int t = 0; t < W; t++)
            Assert.That(second.Steps[t].Evidence.Candidates, Is.Not.EqualTo(first.Steps[t].Evidence.Candidates), $"step {t} evidence");
    }
}
