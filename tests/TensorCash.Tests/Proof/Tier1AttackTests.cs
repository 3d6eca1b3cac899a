using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using F = TensorCash.Tests.Proof.TranscriptFixtures;

namespace TensorCash.Tests.Proof;

/// <summary>
/// Regression tests for the attacks of issue 10 against tier 1. Each forged transcript is self-consistent (a verifier
/// without the pinned profile accepts it), so only the pinning, the one-window rule or the codec stops it.
/// </summary>
public class Tier1AttackTests
{
    /// <summary>Pinned for these tests: the fixture profile with ρ off (65536) and N = 0, as the builtin models pin it.</summary>
    private static readonly ProofProfile Pinned = F.Profile(F.Decode(rhoQ16: 65536, lastN: 0));

    private static Tier1Options PinnedOptions(ClaimedWindow? claim = null) => F.Options(claim, new KnownModel(F.ModelId, F.Vocab, Pinned));

    private static DecodeParameters D(uint? tau = null, int? topK = null, ulong? topP = null, uint? rho = null, uint? lastN = null)
    {
        var d = Pinned.Decode;
        return new DecodeParameters(tau ?? d.TemperatureQ16, topK ?? d.TopK, topP ?? d.TopPQ32, rho ?? d.RepetitionPenaltyQ16, lastN ?? d.PenaltyLastN);
    }

    /// <summary>One profile per field, each differing from <see cref="Pinned"/> in that field only.</summary>
    private static IEnumerable<TestCaseData> OneFieldChanged()
    {
        ProofProfile P(DecodeParameters? decode = null, int k = F.EvidenceCount, int w = F.WindowSize, PrecisionTag dt = PrecisionTag.F32, int v = F.Vocab,
            int s = 4, int cap = 64, ulong ceiling = EntropyCeiling.DefaultCeilingQ32) => F.Profile(decode ?? Pinned.Decode, k, w, dt, v, s, cap, ceiling);
        yield return new TestCaseData("temperature", P(D(tau: 65536))).SetName("Temperature");
        yield return new TestCaseData("top-k", P(D(topK: 7))).SetName("TopK");
        yield return new TestCaseData("top-p", P(D(topP: DecodeParameters.TopPOffQ32))).SetName("TopP");
        yield return new TestCaseData("repetition penalty", P(D(rho: 72090))).SetName("RepetitionPenalty");
        // The free nonce: with ρ off, N changes nothing the sampler does, yet gives another genesis and candidate.
        yield return new TestCaseData("penalty window", P(D(lastN: 5))).SetName("PenaltyWindowWhilePenaltyIsOff");
        yield return new TestCaseData("evidence count", P(k: 13)).SetName("EvidenceCount");
        yield return new TestCaseData("window size", P(w: 5)).SetName("WindowSize");
        yield return new TestCaseData("precision", P(dt: PrecisionTag.BF16)).SetName("Precision");
        yield return new TestCaseData("vocabulary", P(v: 501)).SetName("Vocabulary");
        yield return new TestCaseData("salt length", P(s: 3)).SetName("SaltLength");
        yield return new TestCaseData("prompt cap", P(cap: 65)).SetName("PromptCap");
        yield return new TestCaseData("entropy ceiling", P(ceiling: 1UL << 32)).SetName("EntropyCeiling");
    }

    [TestCaseSource(nameof(OneFieldChanged))]
    public void ProfileWithOneFieldChangedIsAProfileMismatch(string field, ProofProfile forged)
    {
        Assert.That(forged.Differences(Pinned), Has.Count.EqualTo(1), "the case must change exactly one field");
        var honest = F.Honest(profile: Pinned);
        var attack = F.Honest(profile: forged);
        var attackWindow = F.WindowOf(attack);

        // The forged transcript is a valid proof in its own right and offers another candidate for the same prompt and binding.
        var expected = new ExpectedBinding(F.Binding(), forged.Precision);
        var unpinned = new Tier1Options([new KnownModel(F.ModelId, forged.VocabSize)]) { Expected = expected, Claim = F.ClaimOf(attackWindow) };
        Assert.That(Tier1Verifier.Verify(attack, unpinned).Rejections, Is.Empty, "without pinning the forged transcript passes");
        Assert.That(attackWindow.ProofCommitment, Is.Not.EqualTo(F.WindowOf(honest).ProofCommitment));

        // Pinned: rejected, as an object and as bytes, naming the field. (A changed dt is also a binding mismatch on a chain.)
        foreach (var result in new[] { Tier1Verifier.Verify(attack, PinnedOptions(F.ClaimOf(attackWindow))), Tier1Verifier.Verify(TranscriptCodec.Encode(attack), PinnedOptions()) })
        {
            Assert.That(result.Accepted, Is.False);
            var mismatches = result.Rejections.Where(r => r.Reason == RejectReason.ProfileMismatch).ToArray();
            Assert.That(mismatches, Has.Length.EqualTo(1), string.Join("; ", result.Rejections));
            Assert.That(mismatches[0].Message, Does.StartWith(field + " "));
            var others = result.Rejections.Select(r => r.Reason).Where(r => r != RejectReason.ProfileMismatch);
            Assert.That(others, field == "precision" ? Is.EqualTo(new[] { RejectReason.BindingMismatch }) : Is.Empty);
            Assert.That(result.Window, Is.Null, "a profile mismatch stops before the replay");
        }
        Assert.That(Tier1Verifier.Verify(honest, PinnedOptions(F.ClaimOf(F.WindowOf(honest)))).Rejections, Is.Empty, "the pinned profile itself passes");
    }

    [Test]
    public void EntropyCeilingAttackWithTwoCandidatesAtTemperatureSixteenIsAProfileMismatch()
    {
        // Fabricated evidence needs no model: at τ = 16 over K = 2 every sampled probability is near 1/2, so any
        // invented window clears the ceiling. Only the pinned τ, top-k and K stop it.
        var forged = F.Profile(D(tau: DecodeParameters.MaxTemperatureQ16, topK: 2), evidenceCount: 2);
        var attack = F.Honest(profile: forged);
        var window = F.WindowOf(attack);
        Assert.That(window.Eligible, Is.True);
        Assert.That(Tier1Verifier.Verify(attack, new Tier1Options([F.Unpinned]) { Claim = F.ClaimOf(window) }).Rejections, Is.Empty);

        var result = Tier1Verifier.Verify(attack, PinnedOptions(F.ClaimOf(window)));
        Tier1VerifierTests.ExpectOnly(result, RejectReason.ProfileMismatch, "temperature 1048576 (pinned: 52429)");
        Assert.That(result.Rejections.Select(r => r.Message.Split(' ')[0]), Is.EquivalentTo(new[] { "temperature", "top-k", "evidence" }));
    }

    [Test]
    public void PaddedEarlierWindowIsRejectedAsBytesAndAsAnObject()
    {
        // An earlier attempt's window (another prompt, so another salt) in front of the winning one: a v1-style digest chain.
        var earlier = F.Honest(seed: 5, profile: Pinned, prompt: [9, 9, 9]);
        var winner = F.Honest(profile: Pinned);
        var winnerBytes = TranscriptCodec.Encode(winner);
        var earlierBytes = TranscriptCodec.Encode(earlier);
        var stepsAt = F.FirstStepOffset(winner.Header);
        byte[] twoWindows = [.. winnerBytes[..stepsAt], .. earlierBytes[F.FirstStepOffset(earlier.Header)..], .. winnerBytes[stepsAt..]];
        var fromBytes = Tier1Verifier.Verify(twoWindows, PinnedOptions(F.ClaimOf(F.WindowOf(winner))));
        Tier1VerifierTests.ExpectOnly(fromBytes, RejectReason.MalformedEncoding, "trailing bytes");

        var padded = winner with { Steps = [.. earlier.Steps, .. winner.Steps] };
        Tier1VerifierTests.ExpectOnly(Tier1Verifier.Verify(padded, PinnedOptions(F.ClaimOf(F.WindowOf(winner)))), RejectReason.WindowStructure,
            $"{2 * F.WindowSize} steps where a proof is exactly one window of {F.WindowSize}");
    }

    [Test]
    public void PromptOverTheCapIsRejected()
    {
        var overCap = F.WithHeader(F.Honest(profile: Pinned), h => h with { Prompt = Enumerable.Range(0, 65).ToArray() });
        Tier1VerifierTests.ExpectOnly(Tier1Verifier.Verify(overCap, PinnedOptions()), RejectReason.ParameterOutOfRange, "the prompt has 65 tokens; the profile allows 64");
        // Raising the cap to fit is a profile change (ProfileWithOneFieldChangedIsAProfileMismatch, PromptCap).
    }

    [Test]
    public void NonCanonicalLeb128GapIsRejected()
    {
        var t = F.Honest(profile: Pinned);
        var bytes = TranscriptCodec.Encode(t).ToList();
        var lastGapOfStep0 = F.FirstStepOffset(t.Header) + 4 + F.EvidenceCount - 1;
        Assume.That(TranscriptCodec.Encode(t)[(F.FirstStepOffset(t.Header) + 4)..(lastGapOfStep0 + 1)], Has.All.LessThan(0x80), "fixture gaps are one byte");
        bytes[lastGapOfStep0] |= 0x80;
        bytes.Insert(lastGapOfStep0 + 1, 0x00);
        Tier1VerifierTests.ExpectOnly(Tier1Verifier.Verify(bytes.ToArray(), PinnedOptions()), RejectReason.NonCanonicalEncoding, "candidate 11 id gap");
    }

    [Test]
    public void SaltDependsOnEveryBoundInputAndStaysInTheVocabulary()
    {
        var binding = F.Binding();
        var c0 = ContextHash.Initial(F.ModelId, F.Prompt);
        int[] Salt(ChainBinding? b = null, PrecisionTag dt = PrecisionTag.F32, byte[]? context = null) => ProofSalt.Derive(b ?? binding, dt, context ?? c0, 8, F.Vocab);
        var baseline = Salt();
        var otherB = (byte[])binding.HeaderBinding.Clone();
        otherB[31] ^= 1;
        var otherV = (byte[])binding.VdfOutput.Clone();
        otherV[0] ^= 1;
        var variants = new Dictionary<string, int[]>
        {
            ["B"] = Salt(new ChainBinding(otherB, binding.VdfOutput, binding.VdfTick)),
            ["v"] = Salt(new ChainBinding(binding.HeaderBinding, otherV, binding.VdfTick)),
            ["T"] = Salt(new ChainBinding(binding.HeaderBinding, binding.VdfOutput, binding.VdfTick + 1)),
            ["dt"] = Salt(dt: PrecisionTag.BF16),
            ["model"] = Salt(context: ContextHash.Initial("tensorcash/other-model"u8, F.Prompt)),
            ["prompt"] = Salt(context: ContextHash.Initial(F.ModelId, [.. F.Prompt[..^1], F.Prompt[^1] + 1])),
        };
        foreach (var (name, salt) in variants) Assert.That(salt, Is.Not.EqualTo(baseline), name);
        // Through the session, the salt is what the model sees after the prompt and what the header's salt derives.
        var header = new TranscriptHeader(F.ModelId, Pinned, binding, F.Prompt);
        Assert.That(new ProofSession(binding, F.ModelId, F.Prompt, Pinned).Salt, Is.EqualTo(Salt()[..Pinned.SaltTokens]));
        Assert.That(ProofSalt.ModelPrompt(header), Is.EqualTo(F.Prompt.Concat(Salt()[..Pinned.SaltTokens])));

        Prop.ForAll(Gen.Choose(2, 1 << 20).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (vocab, seed) =>
        {
            var random = new Random(seed);
            var context = new byte[32];
            random.NextBytes(context);
            var salt = ProofSalt.Derive(binding, PrecisionTag.F32, context, ProofProfile.MaxSaltTokens, vocab);
            var spec = SpecTransliteration.Salt(binding.HeaderBinding, binding.VdfOutput, binding.VdfTick, 0x01, context, ProofProfile.MaxSaltTokens, vocab);
            return salt.All(s => s >= 0 && s < vocab) && salt.SequenceEqual(spec);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Test]
    public void SaltMakesEveryWindowPositionDependOnTheBinding()
    {
        // Same prompt, same evidence, bindings differing in T only: the context hash before step 0 already differs, so no
        // position of one attempt (its KV cache, its evidence) serves another.
        var a = new ProofSession(F.Binding(), F.ModelId, F.Prompt, Pinned);
        var b = new ProofSession(F.Binding(tick: 8), F.ModelId, F.Prompt, Pinned);
        Assert.That(b.Salt, Is.Not.EqualTo(a.Salt));
        Assert.That(b.CurrentContext, Is.Not.EqualTo(a.CurrentContext));
        var c = ContextHash.Initial(F.ModelId, F.Prompt);
        foreach (var token in a.Salt) c = ContextHash.Next(c, token);
        Assert.That(a.CurrentContext, Is.EqualTo(c), "C chains from C_0 through the salt tokens");
    }

    [Test]
    public void IncrementalRepetitionWindowEqualsTheSetRebuiltFromScratch() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 30)).ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 30)).ToArbitrary(), Gen.Choose(0, 12).ToArbitrary(), (prefix, appended, lastN) =>
        {
            // Small ids make repeats common, so tokens leave the window while another copy of them remains.
            var window = new RepetitionWindow(prefix, (uint)lastN);
            var context = prefix.ToList();
            bool Matches() => window.Penalized.ToHashSet().SetEquals(context.Skip(lastN == 0 ? 0 : Math.Max(0, context.Count - lastN)))
                && window.Penalized.Count == context.Skip(lastN == 0 ? 0 : Math.Max(0, context.Count - lastN)).Distinct().Count();
            if (!Matches()) return false;
            foreach (var token in appended)
            {
                window.Add(token);
                context.Add(token);
                if (!Matches()) return false;
            }
            return RepetitionWindow.PenalizedTokens(context.ToArray(), (uint)lastN).SetEquals(window.Penalized);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));

    [TestCase(0u)]
    [TestCase(64u)]
    public void Tier1StepCostDoesNotGrowWithTheContext(uint lastN)
    {
        // Cost counted as bytes allocated per replayed step (a count, not a clock). The long prompt holds 128,000
        // distinct ids, so with N = 0 the penalised set has 128,000 members: rebuilding it (or copying the context, as
        // v1 did every step) would allocate megabytes per step. Evidence ids come from 0..499, present in both prompts,
        // so the incremental window never adds a key and a step's work is the same at 500 and at 128,000 tokens.
        const int vocab = 1 << 17;
        ProofProfile Profile(int w) => F.Profile(F.Decode(lastN: lastN), windowSize: w, vocabSize: vocab, maxPromptTokens: TranscriptLimits.MaxPromptTokens);
        int[] Prompt(int length) => Enumerable.Range(0, length).ToArray();

        long SessionPerStep(int promptLength)
        {
            var session = new ProofSession(F.Binding(), F.ModelId, Prompt(promptLength), Profile(16));
            var random = new Random(3);
            var evidence = Enumerable.Range(0, 16).Select(_ => F.RandomEvidence(random, F.EvidenceCount, F.Vocab)).ToArray();
            var statistics = StatisticsEncoding.ToBytes(F.RandomStatistics(random));
            session.Step(evidence[0], statistics); // first-call costs (JIT, lazies) out of the measurement
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var t = 1; t < 16; t++) session.Step(evidence[t], statistics);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 15;
        }
        var shortSession = SessionPerStep(F.Vocab);
        var longSession = SessionPerStep(128_000);
        Assert.That(longSession, Is.LessThanOrEqualTo(shortSession + 64), $"session step: {shortSession} bytes at 500 context tokens, {longSession} at 128,000");

        // Tier 1 as a whole: the extra cost of 16 more steps, at both context lengths. A long prompt costs once (C_0,
        // the window's construction), never once per step.
        long Tier1PerStep(int promptLength)
        {
            long Allocated(ProofTranscript t)
            {
                var options = new Tier1Options([new KnownModel(F.ModelId, vocab)]);
                Tier1Verifier.Verify(t, options);
                var before = GC.GetAllocatedBytesForCurrentThread();
                Assert.That(Tier1Verifier.Verify(t, options).Rejections, Is.Empty);
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
            var prompt = Prompt(promptLength);
            return (Allocated(F.Honest(profile: Profile(32), prompt: prompt, evidenceIds: F.Vocab)) - Allocated(F.Honest(profile: Profile(16), prompt: prompt, evidenceIds: F.Vocab))) / 16;
        }
        var shortTier1 = Tier1PerStep(F.Vocab);
        var longTier1 = Tier1PerStep(128_000);
        // Slack for the runtime's own bookkeeping (a few hundred bytes seen); a per-step context copy would be 512,000.
        Assert.That(longTier1, Is.LessThanOrEqualTo(shortTier1 + 2048), $"tier-1 step: {shortTier1} bytes at 500 context tokens, {longTier1} at 128,000");
        Assert.That(longTier1, Is.LessThan(64_000), "far below one copy of the long context per step");
    }
}
