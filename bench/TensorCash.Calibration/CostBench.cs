using System.Diagnostics;
using System.Globalization;
using System.Text;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Proving.Replay;

namespace TensorCash.Calibration;

/// <summary>
/// Issue 10 cost figures (`--costs`): tier 1 per window (builtin:tiny at W = 64, K = 32, short and capped prompts, and a
/// synthetic worst case at the transcript limit of 131072 prompt tokens with the penalty over the whole context), the
/// penalty set per step (the old from-scratch rebuild against the incremental <see cref="RepetitionWindow"/>), bytes
/// per token of the v2 transcript, and tier-2 exact replay against generation for one window (builtin:tiny; with
/// `--model FILE` also that model at K = 64).
/// </summary>
public sealed class CostBench(CalibrationOptions options)
{
    private const int Window = 64;
    private static readonly ProofProfile TinyProfile =
        new(new DecodeParameters(1u << 16, 32, 4_080_218_931, 1u << 16, 0), 32, Window, PrecisionTag.F32, 264, 8, 1024); // ChainParams.BuiltinTinyProfile(64) (S was 4 for the figures of 2026-12-02)

    /// <summary>The K = 64 profile of the real-model cost runs (RealModelCost): τ 0.8, top-k 40, top-p 0.95, ρ 1.1 over the whole context.</summary>
    private static ProofProfile K64Profile(int vocab, int cap = 1024) =>
        new(new DecodeParameters(52429, 40, 4_080_218_931UL, 72090), 64, Window, PrecisionTag.F32, vocab, 4, cap);

    private readonly StringBuilder _out = new();

    public string Run(TextWriter progress)
    {
        _out.AppendLine(CultureInfo.InvariantCulture, $"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}; {options.Threads} threads");
        _out.AppendLine();
        using (var weights = BuiltinModels.Load(BuiltinModels.TinyName)) Tiny(weights, progress);
        Penalty(progress);
        WorstCaseTier1(progress);
        SaltTrial(progress);
        using (var weights = RandomModelFactory.CreateWeights(new RandomModelSpec
               {
                   Layers = 2, ModelDim = 128, Heads = 4, KvHeads = 2, FeedForwardDim = 352, VocabSize = 32000, MaxSequenceLength = 2048, Seed = 42,
               }, TensorDType.F32, "random 32k-vocabulary model (2 layers, d 128)"))
            Bytes32k(weights, rounds: 20, progress, replay: false);
        if (options.Model is { } path)
        {
            using var weights = ModelLoader.Load(path);
            Bytes32k(weights, rounds: options.Rounds, progress, replay: true);
        }
        _out.AppendLine(CultureInfo.InvariantCulture, $"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return _out.ToString();
    }

    private void Tiny(ModelWeights weights, TextWriter progress)
    {
        var identity = ModelIdentity.Compute(weights);
        using var transformer = Transformer.Create(weights, options.Threads);
        var prover = new ProofGenerator(transformer, identity);
        var known = new KnownModel(identity.Id, identity.VocabSize, TinyProfile);
        var rng = new SplitMix64(0x10C0_57);
        int rounds = Math.Max(options.Rounds, 60);

        var gen = new List<double>();
        var t2 = new List<double>();
        var ratio = new List<double>();
        var perToken = new List<double>();
        var headers = new List<double>();
        ProveResult? sample = null;
        progress.WriteLine($"builtin:tiny: {rounds} rounds of prove + tier 2");
        for (int i = 0; i < rounds + 3; i++)
        {
            var request = new ProveRequest(Prompt(ref rng, 8), TinyProfile, Binding(ref rng));
            var sw = Stopwatch.StartNew();
            var proof = prover.Prove(request);
            double g = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var rejections = Tier2Verifier.Verify(proof.Transcript, transformer, new Tier2Options());
            double r = sw.Elapsed.TotalMilliseconds;
            if (rejections.Count > 0) throw new InvalidOperationException($"honest window rejected by tier 2: {rejections[0]}");
            if (i < 3) continue; // JIT warm-up
            gen.Add(g);
            t2.Add(r);
            ratio.Add(g / r);
            var bytes = TranscriptCodec.Encode(proof.Transcript);
            int steps = CalibrationRun.StepsBytes(proof.Transcript.Steps, TinyProfile.EvidenceCount);
            perToken.Add((double)steps / Window);
            headers.Add(bytes.Length - steps);
            sample = proof;
        }
        _out.AppendLine("### builtin:tiny, pinned profile at W = 64 (K = 32, V = 264), 8-token prompt");
        _out.AppendLine();
        _out.AppendLine("| per window | median | min | max |");
        _out.AppendLine("| --- | ---: | ---: | ---: |");
        Row("proof generation (ms)", gen);
        Row("tier 2, exact, every position (ms)", t2);
        Row("generation / tier 2 (per-round ratio)", ratio, "x");
        Row("transcript bytes per token (steps only)", perToken);
        Row("transcript header bytes (per proof)", headers);

        // Tier 1 on the same kind of transcript, then on one with a prompt at the cap (1024 tokens).
        var shortBytes = TranscriptCodec.Encode(sample!.Transcript);
        Tier1Row("tier 1, 8-token prompt (µs/window)", shortBytes, known, sample.Transcript, sample.Window);
        var capped = prover.Prove(new ProveRequest(Prompt(ref rng, TinyProfile.MaxPromptTokens), TinyProfile, Binding(ref rng)));
        Tier1Row($"tier 1, {TinyProfile.MaxPromptTokens}-token prompt, the cap (µs/window)", TranscriptCodec.Encode(capped.Transcript), known, capped.Transcript, capped.Window);
        _out.AppendLine();
        progress.WriteLine("builtin:tiny done");
    }

    /// <summary>Median of 200 tier-1 runs (after 20 warm-up runs) on the encoded transcript, with the chain's options: pinned profile, binding, claim.</summary>
    private void Tier1Row(string name, byte[] encoded, KnownModel known, ProofTranscript transcript, WindowCandidate window)
    {
        var tier1 = new Tier1Options([known])
        {
            Expected = new ExpectedBinding(transcript.Header.Binding, transcript.Header.Precision),
            Claim = new ClaimedWindow(window.ProofCommitment, window.Nonce),
        };
        var times = new List<double>();
        for (int i = 0; i < 220; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var result = Tier1Verifier.Verify(encoded, tier1);
            double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (!result.Accepted) throw new InvalidOperationException($"{name}: rejected: {result.Rejections[0]}");
            if (i >= 20) times.Add(us);
        }
        Row($"{name} [{encoded.Length} bytes]", times);
    }

    /// <summary>The penalty set at a 131072-token context: the old per-step rebuild against one incremental step.</summary>
    private void Penalty(TextWriter progress)
    {
        const int context = 1 << 17;
        _out.AppendLine("### Penalty set per step at a 131072-token context (N = 0: the whole context)");
        _out.AppendLine();
        _out.AppendLine("| per step | median | min | max |");
        _out.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (int vocab in new[] { 264, 32000 })
        {
            var rng = new SplitMix64(0xBE_7A17 + (ulong)vocab);
            var tokens = new int[context + 64];
            for (int i = 0; i < tokens.Length; i++) tokens[i] = (int)(rng.Next() % (ulong)vocab);
            var old = new List<double>();
            for (int i = 0; i < 25; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var set = OldPenalizedTokens(tokens.AsSpan(0, context + i % 64), 0);
                double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                if (set.Count == 0) throw new InvalidOperationException("empty set");
                if (i >= 5) old.Add(us);
            }
            Row($"old: HashSet rebuilt from the whole context, V = {vocab} (µs)", old);

            var window = new RepetitionWindow(tokens.AsSpan(0, context), 0);
            var incremental = new List<double>();
            int hits = 0;
            for (int round = 0; round < 20; round++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < 64; i++)
                {
                    var set = window.Penalized;
                    for (int c = 0; c < 64; c++) if (set.Contains(tokens[(i * 64 + c) % context])) hits++; // the sampler's K lookups
                    window.Add(tokens[context + i]);
                }
                if (round >= 2) incremental.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / 64);
            }
            Row($"new: RepetitionWindow.Add + Penalized + 64 lookups, V = {vocab} (µs)", incremental);
            if (hits < 0) throw new InvalidOperationException();
        }
        _out.AppendLine();
        progress.WriteLine("penalty done");
    }

    /// <summary>The penalty set as v1 computed it at every step (commit 7706796, RepetitionWindow.PenalizedTokens).</summary>
    private static HashSet<int> OldPenalizedTokens(ReadOnlySpan<int> context, uint lastN)
    {
        var start = lastN == 0 || lastN >= context.Length ? 0 : context.Length - (int)lastN;
        var set = new HashSet<int>();
        foreach (var token in context[start..]) set.Add(token);
        return set;
    }

    /// <summary>
    /// Tier 1's worst case within the transcript limits: V = 32000, K = 64, the penalty over the whole context, a
    /// prompt of 131072 tokens (TranscriptLimits.MaxPromptTokens). The transcript is made without a model (synthetic
    /// evidence through the real session), which tier 1 cannot tell apart: it checks consistency, not inference.
    /// </summary>
    private void WorstCaseTier1(TextWriter progress)
    {
        const int vocab = 32000;
        var profile = K64Profile(vocab, TranscriptLimits.MaxPromptTokens);
        var rng = new SplitMix64(0x0DD5);
        var prompt = new int[TranscriptLimits.MaxPromptTokens];
        for (int i = 0; i < prompt.Length; i++) prompt[i] = (int)(rng.Next() % vocab);
        var binding = Binding(ref rng);
        byte[] modelId = new byte[32];
        modelId[0] = 0x42;
        var session = new ProofSession(binding, modelId, prompt, profile);
        var steps = new List<TranscriptStep>();
        var zeroStats = new StepStatistics(0, 0, 0, new uint[StepStatistics.SketchLength]);
        var statBytes = StatisticsEncoding.ToBytes(zeroStats);
        WindowCandidate? window = null;
        for (int t = 0; t < Window; t++)
        {
            var candidates = new LogitCandidate[profile.EvidenceCount];
            int start = (int)(rng.Next() % vocab);
            for (int c = 0; c < candidates.Length; c++)
                candidates[c] = new LogitCandidate((start + c * 499) % vocab, BitConverter.SingleToUInt32Bits((float)(rng.Next() % 1000) / 250f));
            var evidence = new StepEvidence(candidates);
            var result = session.Step(evidence, statBytes);
            steps.Add(new TranscriptStep(result.Sampled.TokenId, evidence, zeroStats));
            window = result.ClosedWindow ?? window;
        }
        var transcript = new ProofTranscript(new TranscriptHeader(modelId, profile, binding, prompt), steps);
        _out.AppendLine("### Tier 1 worst case in the transcript limits (V 32000, K 64, ρ 1.1 over the whole context, 131072-token prompt; synthetic evidence)");
        _out.AppendLine();
        _out.AppendLine("| per window | median | min | max |");
        _out.AppendLine("| --- | ---: | ---: | ---: |");
        var known = new KnownModel(modelId, vocab, profile);
        var encoded = TranscriptCodec.Encode(transcript);
        var tier1 = new Tier1Options([known]) { Expected = new ExpectedBinding(binding, PrecisionTag.F32), Claim = new ClaimedWindow(window!.ProofCommitment, window.Nonce) };
        var times = new List<double>();
        for (int i = 0; i < 23; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var result = Tier1Verifier.Verify(encoded, tier1);
            double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            if (result.Rejections.Any(r => r.Reason != RejectReason.EntropyCeiling)) throw new InvalidOperationException($"worst case rejected: {result.Rejections[0]}");
            if (i >= 3) times.Add(us);
        }
        Row($"tier 1, 131072-token prompt, W 64 (µs/window) [{encoded.Length} bytes]", times);
        // The parts that grow with the prompt: decoding it, C_0 over it, the penalty window over it (once per proof).
        var parts = new List<double>();
        for (int i = 0; i < 13; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            _ = new ProofSession(binding, modelId, prompt, profile);
            if (i >= 3) parts.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
        Row("of which: session setup over the prompt (C_0, salt, genesis, penalty window) (µs)", parts);
        _out.AppendLine();
        progress.WriteLine("worst-case tier 1 done");
    }

    /// <summary>
    /// What one B trial of a salt-collision grinder costs on this CPU: the first salt token under a new B (a grinder
    /// drops the B as soon as one token differs from the salt it wants, so one SHA-256 per trial almost always).
    /// </summary>
    private void SaltTrial(TextWriter progress)
    {
        var rng = new SplitMix64(0x5A17);
        var c0 = ContextHash.Initial(new byte[32], Prompt(ref rng, 8));
        var bindings = Enumerable.Range(0, 4096).Select(_ => Binding(ref rng)).ToArray();
        var times = new List<double>();
        long sink = 0;
        for (int round = 0; round < 12; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            foreach (var b in bindings) sink += ProofSalt.Derive(b, PrecisionTag.F32, c0, 1, 264)[0];
            if (round >= 2) times.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / bindings.Length);
        }
        if (sink < 0) throw new InvalidOperationException();
        _out.AppendLine("### One B trial of a salt-collision grinder (first salt token, SHA-256 on this CPU)");
        _out.AppendLine();
        _out.AppendLine("| per trial | median | min | max |");
        _out.AppendLine("| --- | ---: | ---: | ---: |");
        Row("ProofSalt.Derive, 1 token (µs)", times);
        _out.AppendLine();
        progress.WriteLine("salt trial done");
    }

    /// <summary>Bytes per token at K = 64 on a 32k-vocabulary model; with replay, tier 2 against generation too.</summary>
    private void Bytes32k(ModelWeights weights, int rounds, TextWriter progress, bool replay)
    {
        var identity = ModelIdentity.Compute(weights);
        using var transformer = Transformer.Create(weights, options.Threads);
        var prover = new ProofGenerator(transformer, identity);
        var profile = K64Profile(transformer.Config.VocabSize);
        var rng = new SplitMix64(0x32_000);
        var perToken = new List<double>();
        var gaps2 = new List<double>();
        var gen = new List<double>();
        var t2 = new List<double>();
        var ratio = new List<double>();
        progress.WriteLine($"{weights.Source}: {rounds} rounds");
        for (int i = 0; i < rounds + 1; i++)
        {
            var request = new ProveRequest(Prompt(ref rng, 8, transformer.Config.VocabSize), profile, Binding(ref rng));
            var sw = Stopwatch.StartNew();
            var proof = prover.Prove(request);
            double g = sw.Elapsed.TotalMilliseconds;
            if (replay)
            {
                sw.Restart();
                var rejections = Tier2Verifier.Verify(proof.Transcript, transformer, new Tier2Options());
                double r = sw.Elapsed.TotalMilliseconds;
                if (rejections.Count > 0) throw new InvalidOperationException($"honest window rejected by tier 2: {rejections[0]}");
                if (i >= 1)
                {
                    gen.Add(g);
                    t2.Add(r);
                    ratio.Add(g / r);
                }
            }
            int steps = CalibrationRun.StepsBytes(proof.Transcript.Steps, profile.EvidenceCount);
            perToken.Add((double)steps / Window);
            int fixedPart = Window * (4 + 4 * profile.EvidenceCount + StatisticsEncoding.ByteLength);
            gaps2.Add((double)(steps - fixedPart) / (Window * profile.EvidenceCount));
            progress.Write('.');
        }
        progress.WriteLine();
        _out.AppendLine(CultureInfo.InvariantCulture, $"### {weights.Source}: V = {transformer.Config.VocabSize}, K = 64, W = 64 (τ 0.8, top-k 40, top-p 0.95, ρ 1.1)");
        _out.AppendLine();
        _out.AppendLine("| per window | median | min | max |");
        _out.AppendLine("| --- | ---: | ---: | ---: |");
        Row("transcript bytes per token (steps only)", perToken);
        Row("LEB128 bytes per evidence id", gaps2);
        if (replay)
        {
            Row("proof generation (ms)", gen);
            Row("tier 2, exact, every position (ms)", t2);
            Row("generation / tier 2 (per-round ratio)", ratio, "x");
        }
        _out.AppendLine();
    }

    private void Row(string name, List<double> values, string unit = "")
    {
        var sorted = values.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        _out.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median:0.###}{unit} | {sorted[0]:0.###}{unit} | {sorted[^1]:0.###}{unit} |");
    }

    private static int[] Prompt(ref SplitMix64 rng, int length, int vocab = 256)
    {
        var prompt = new int[length];
        prompt[0] = vocab == 256 ? BuiltinModels.TinyBosId : 1;
        for (int i = 1; i < length; i++) prompt[i] = (int)(rng.Next() % (ulong)vocab);
        return prompt;
    }

    private static ChainBinding Binding(ref SplitMix64 rng)
    {
        var b = new byte[32];
        var v = new byte[32];
        for (int i = 0; i < 32; i += 8)
        {
            BitConverter.TryWriteBytes(b.AsSpan(i), rng.Next());
            BitConverter.TryWriteBytes(v.AsSpan(i), rng.Next());
        }
        return new ChainBinding(b, v, rng.Next() % 1_000_000);
    }
}
