using System.Diagnostics;
using System.Text;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Proving.Replay;

namespace TensorCash.Calibration;

/// <summary>
/// Runs the honest windows and every attack, and formats the result as markdown. On the random calibration model by
/// default; with --trained on a trained model with real prompts (TrainedModel.cs) under builtin:tiny's pinned decode
/// settings (τ 1, top-k 32, top-p 0.95, no repetition penalty, K 32, S 8) with the model's vocabulary and a prompt cap
/// that fits its context. There the model-level attacks use copies of the trained weights (WeightCopies.cs).
/// </summary>
public sealed class CalibrationRun(CalibrationOptions options)
{
    // Large enough that the forward pass, not bookkeeping, dominates both generating and verifying.
    private static readonly RandomModelSpec Spec = new()
    {
        Layers = 4, ModelDim = 256, Heads = 8, KvHeads = 2, FeedForwardDim = 704, VocabSize = 2048,
        MaxSequenceLength = 512, Seed = 7,
    };

    private const int PromptTokens = 8;
    private static readonly DecodeParameters Decode = new(temperatureQ16: 52429 /* 0.8 */, topK: 20,
        topPQ32: 4080218931UL /* 0.95 */, repetitionPenaltyQ16: 72090 /* 1.1 */, penaltyLastN: 64);
    private const int SaltTokens = 4, PromptCap = 256;

    private readonly TrainedModel? _trained = options.Trained is null ? null : TrainedModel.Load(options);
    private DecodeParameters DecodeSettings => _trained is null ? Decode : TrainedModel.Decode;
    private int PinnedSalt => _trained is null ? SaltTokens : TrainedModel.SaltTokens;

    /// <summary>The calibration chain's pinned profile (what a registration would pin for this model).</summary>
    private ProofProfile Profile => Pinned(DecodeSettings, options.Evidence, options.WindowSize);

    private ProofProfile Pinned(DecodeParameters decode, int evidence, int window, PrecisionTag precision = PrecisionTag.F32,
        int? salt = null, int cap = PromptCap, ulong ceiling = EntropyCeiling.DefaultCeilingQ32) =>
        new(decode, evidence, window, precision, _trained?.Weights.Config.VocabSize ?? Spec.VocabSize, salt ?? PinnedSalt, cap, ceiling);

    private readonly Dictionary<string, AttackTally> _tallies = [];
    private readonly List<double> _generateMs = [], _tier1Ms = [], _tier2Ms = [];
    private int _honestRejected;
    private readonly List<string> _honestReasons = [];

    public string Run(TextWriter progress)
    {
        using var trained = _trained;
        using var randomWeights = _trained is null ? RandomModelFactory.CreateWeights(Spec, TensorDType.F32, "calibration") : null;
        var honestWeights = _trained?.Weights ?? randomWeights!;
        var identity = ModelIdentity.Compute(honestWeights);
        using var honest = Transformer.Create(honestWeights, options.Threads);
        using var verifier = Transformer.Create(honestWeights, options.Threads);
        // As on a chain: the verifier knows the model's pinned profile and rejects any other.
        var known = identity.ToKnownModel() with { Profile = Profile };
        var rng = new SplitMix64(20261122);

        progress.WriteLine($"honest: {options.Honest} windows of {options.WindowSize} tokens");
        var honestProver = new ProofGenerator(honest, identity);
        for (int i = 0; i < options.Honest; i++)
        {
            var request = NewRequest(ref rng);
            var sw = Stopwatch.StartNew();
            var proof = honestProver.Prove(request);
            _generateMs.Add(sw.Elapsed.TotalMilliseconds);
            var rejections = Verify(TranscriptCodec.Encode(proof.Transcript), request.Binding, known, verifier, timed: true);
            if (rejections.Count > 0)
            {
                _honestRejected++;
                _honestReasons.Add(rejections[0].ToString());
            }
            if ((i + 1) % 100 == 0) progress.WriteLine($"  {i + 1}/{options.Honest}, rejected so far {_honestRejected}");
        }

        // Model-level attacks: the miner runs other weights but declares the honest model's id.
        if (_trained is null)
        {
            ModelAttack("different model (other seed)", Spec with { Seed = 8 }, TensorDType.F32, identity, known, verifier, ref rng, progress);
            ModelAttack("weights rounded to BF16, F32 declared", Spec, TensorDType.BF16, identity, known, verifier, ref rng, progress);
            ModelAttack("weights rounded to F16, F32 declared", Spec, TensorDType.F16, identity, known, verifier, ref rng, progress);
            ModelAttack("int8 (Q8_0) weights, F32 declared", Spec, TensorDType.Q8_0, identity, known, verifier, ref rng, progress);
        }
        else
        {
            // The trained weights are stored BF16 (computed in F32), so "rounded to BF16" is the honest model itself.
            if (options.Other is { } other)
            {
                using var otherWeights = ModelLoader.Load(other);
                CopyAttack($"different model (another checkpoint: {Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(other)))}/{Path.GetFileName(other)})", otherWeights, identity, known, verifier, ref rng, progress);
            }
            using (var perturbed = WeightCopies.Perturb(honestWeights, 1e-2, 8, "perturbed"))
                CopyAttack("different model (every weight x (1 + 1e-2 u), u uniform in [-1, 1))", perturbed, identity, known, verifier, ref rng, progress);
            using (var f16 = WeightCopies.Recode(honestWeights, TensorDType.F16, "f16"))
                CopyAttack("weights re-stored as F16 (the model is stored BF16), honest id declared", f16, identity, known, verifier, ref rng, progress);
            using (var q8 = WeightCopies.Recode(honestWeights, TensorDType.Q8_0, "q8_0"))
                CopyAttack("int8 (Q8_0) weights, honest id declared", q8, identity, known, verifier, ref rng, progress);
        }
        LayerRemovedAttack(honestWeights, identity, known, verifier, ref rng, progress);

        // Transcript-level attacks on honest runs.
        SteeredLogitAttack(honest, identity, known, verifier, ref rng, progress);
        TranscriptAttack("token does not match its draw", honestProver, known, verifier, ref rng, progress, (t, r, b) =>
        {
            var steps = t.Steps.ToArray();
            int s = (int)(r.Next() % (ulong)steps.Length);
            var other = steps[s].Evidence.Candidates.First(c => c.TokenId != steps[s].Token).TokenId;
            steps[s] = steps[s] with { Token = other };
            return (TranscriptCodec.Encode(t with { Steps = steps }), b);
        });
        TranscriptAttack("wrong B, v, T or dt (cycled)", honestProver, known, verifier, ref rng, progress, (t, r, b) =>
        {
            // The miner bound its run to other chain state than the block it claims; the node expects `b`.
            var h = t.Header;
            var wrong = (r.Next() % 4) switch
            {
                0 => h with { Binding = new ChainBinding(RandomBytes(r, 32), b.VdfOutput, b.VdfTick) },
                1 => h with { Binding = new ChainBinding(b.HeaderBinding, RandomBytes(r, 32), b.VdfTick) },
                2 => h with { Binding = new ChainBinding(b.HeaderBinding, b.VdfOutput, b.VdfTick + 1) },
                _ => h with { Profile = Pinned(Decode, options.Evidence, options.WindowSize, PrecisionTag.BF16) },
            };
            return (TranscriptCodec.Encode(t with { Header = wrong }), b);
        });
        TranscriptAttack("transcript replayed under a new binding", honestProver, known, verifier, ref rng, progress, (t, r, _) =>
        {
            var fresh = new ChainBinding(RandomBytes(r, 32), new byte[32], 0);
            return (TranscriptCodec.Encode(t with { Header = t.Header with { Binding = fresh } }), fresh);
        });
        TranscriptAttack("steps reordered, truncated or padded (cycled)", honestProver, known, verifier, ref rng, progress, (t, r, b) =>
        {
            // One window per proof (v2): the old attack on the window chain becomes an attack on the steps of the one window.
            int w = t.Steps.Count;
            var bytes = TranscriptCodec.Encode(t);
            int tail = StepsBytes(t.Steps.Skip(w - w / 2), t.Header.EvidenceCount);
            return ((r.Next() % 3) switch
            {
                0 => TranscriptCodec.Encode(t with { Steps = [.. t.Steps.Skip(w / 2), .. t.Steps.Take(w / 2)] }), // halves swapped
                1 => bytes[..^tail], // last W/2 steps cut off
                _ => [.. bytes, .. bytes[^tail..]], // last W/2 steps again, as extra steps (or an earlier window) after the window
            }, b);
        });
        TranscriptAttack("non-canonical encoding (cycled)", honestProver, known, verifier, ref rng, progress, (t, r, b) =>
        {
            var bytes = TranscriptCodec.Encode(t);
            if (r.Next() % 2 == 0) return ([.. bytes, 0], b); // trailing byte
            // Step 0's first one-byte evidence id gap written as a two-byte LEB128 (same value, overlong form).
            int gapAt = bytes.Length - StepsBytes(t.Steps, t.Header.EvidenceCount) + 4;
            while (bytes[gapAt] >= 0x80) // a multi-byte gap: skip to the byte after its last (the last has the high bit clear)
            {
                while (bytes[gapAt] >= 0x80) gapAt++;
                gapAt++;
            }
            byte gap = bytes[gapAt];
            return ([.. bytes[..gapAt], (byte)(gap | 0x80), 0, .. bytes[(gapAt + 1)..]], b);
        });
        ProfileAttack(honest, identity, known, verifier, ref rng, progress);
        SharpenedAttack(honest, identity, known, verifier, ref rng, progress);

        return Format(identity);
    }

    private ProveRequest NewRequest(ref SplitMix64 rng, ProofProfile? profile = null)
    {
        var prompt = new int[PromptTokens];
        if (_trained is not null) prompt = _trained.NextPrompt(rng.Next());
        else for (int i = 0; i < prompt.Length; i++) prompt[i] = (int)(rng.Next() % (ulong)Spec.VocabSize);
        var binding = new ChainBinding(RandomBytes(ref rng, 32), RandomBytes(ref rng, 32), rng.Next() % 1_000_000);
        return new ProveRequest(prompt, profile ?? Profile, binding);
    }

    private static byte[] RandomBytes(SplitMix64Box rng, int n)
    {
        var bytes = new byte[n];
        for (int i = 0; i < n; i += 8) BitConverter.GetBytes(rng.Next()).AsSpan(0, Math.Min(8, n - i)).CopyTo(bytes.AsSpan(i));
        return bytes;
    }

    private static byte[] RandomBytes(ref SplitMix64 rng, int n)
    {
        var bytes = new byte[n];
        for (int i = 0; i < n; i += 8) BitConverter.GetBytes(rng.Next()).AsSpan(0, Math.Min(8, n - i)).CopyTo(bytes.AsSpan(i));
        return bytes;
    }

    /// <summary>What a node does with a block's transcript: tier 1, then (if that passes) tier-2 exact replay.</summary>
    private IReadOnlyList<Rejection> Verify(byte[] encoded, ChainBinding expected, KnownModel known, Transformer verifier, bool timed = false)
    {
        var sw = Stopwatch.StartNew();
        var tier1 = Tier1Verifier.Verify(encoded, new Tier1Options([known]) { Expected = new ExpectedBinding(expected, PrecisionTag.F32) });
        double t1 = sw.Elapsed.TotalMilliseconds;
        if (!tier1.Accepted) return tier1.Rejections;
        sw.Restart();
        var tier2 = Tier2Verifier.Verify(TranscriptCodec.Decode(encoded), verifier, new Tier2Options());
        if (timed)
        {
            _tier1Ms.Add(t1);
            _tier2Ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        return tier2;
    }

    private AttackTally Tally(string name) => _tallies.TryGetValue(name, out var t) ? t : _tallies[name] = new AttackTally();

    private void Record(string name, IReadOnlyList<Rejection> rejections)
    {
        var tally = Tally(name);
        tally.Runs++;
        if (rejections.Count == 0) return;
        tally.Detected++;
        string code = rejections[0].Reason.Code();
        tally.Reasons[code] = tally.Reasons.GetValueOrDefault(code) + 1;
    }

    private void ModelAttack(string name, RandomModelSpec spec, TensorDType dtype, ModelIdentity declared, KnownModel known,
        Transformer verifier, ref SplitMix64 rng, TextWriter progress)
    {
        using var weights = RandomModelFactory.CreateWeights(spec, dtype, name);
        using var cheat = Transformer.Create(weights, options.Threads);
        RunModelAttack(name, cheat, declared, known, verifier, ref rng, progress);
    }

    private void CopyAttack(string name, ModelWeights weights, ModelIdentity declared, KnownModel known, Transformer verifier,
        ref SplitMix64 rng, TextWriter progress)
    {
        using var cheat = Transformer.Create(weights, options.Threads);
        RunModelAttack(name, cheat, declared, known, verifier, ref rng, progress);
    }

    private void LayerRemovedAttack(ModelWeights full, ModelIdentity declared, KnownModel known, Transformer verifier,
        ref SplitMix64 rng, TextWriter progress)
    {
        var layers = full.Layers.Where((_, i) => i != full.Layers.Count / 2).ToList();
        // Views into the honest model's buffers; this ModelWeights owns nothing.
        using var shallow = new ModelWeights(full.Config with { LayerCount = layers.Count }, full.TokenEmbedding, full.OutputNorm,
            full.Output, layers, "layer removed", [], []);
        using var cheat = Transformer.Create(shallow, options.Threads);
        RunModelAttack("one layer removed", cheat, declared, known, verifier, ref rng, progress);
    }

    private void RunModelAttack(string name, Transformer cheat, ModelIdentity declared, KnownModel known, Transformer verifier,
        ref SplitMix64 rng, TextWriter progress)
    {
        var prover = new ProofGenerator(cheat, declared);
        for (int i = 0; i < options.PerAttack; i++)
        {
            var request = NewRequest(ref rng);
            Record(name, Verify(TranscriptCodec.Encode(prover.Prove(request).Transcript), request.Binding, known, verifier));
        }
        progress.WriteLine($"{name}: detected {Tally(name).Detected}/{Tally(name).Runs}");
    }

    /// <summary>
    /// The miner edits one logit before sampling (raising a runner-up so the draw lands on it) and then commits
    /// everything consistently, so tier 1 passes; only the replay can see that the evidence was not the model's.
    /// </summary>
    private void SteeredLogitAttack(Transformer honest, ModelIdentity identity, KnownModel known, Transformer verifier,
        ref SplitMix64 rng, TextWriter progress)
    {
        const string name = "one evidence logit edited to steer a draw";
        var prover = new ProofGenerator(honest, identity);
        for (int i = 0; i < options.PerAttack; i++)
        {
            var request = NewRequest(ref rng);
            var sampler = prover.CreateSampler(request.Prompt, request.Profile, request.Binding);
            var steering = new SteeringSampler(sampler, stepToSteer: (int)(rng.Next() % (ulong)options.WindowSize));
            new Generator(honest).Generate(new GenerationRequest(sampler.ModelPrompt, steering, request.Profile.WindowSize), null);
            Record(name, Verify(TranscriptCodec.Encode(sampler.ToTranscript()), request.Binding, known, verifier));
        }
        progress.WriteLine($"{name}: detected {Tally(name).Detected}/{Tally(name).Runs}");
    }

    private void TranscriptAttack(string name, ProofGenerator prover, KnownModel known, Transformer verifier, ref SplitMix64 rng,
        TextWriter progress, Func<ProofTranscript, SplitMix64Box, ChainBinding, (byte[] Encoded, ChainBinding Expected)> edit)
    {
        var box = new SplitMix64Box(rng.Next());
        for (int i = 0; i < options.PerAttack; i++)
        {
            var request = NewRequest(ref rng);
            var (encoded, expected) = edit(prover.Prove(request).Transcript, box, request.Binding);
            Record(name, Verify(encoded, expected, known, verifier));
        }
        progress.WriteLine($"{name}: detected {Tally(name).Detected}/{Tally(name).Runs}");
    }

    /// <summary>
    /// Issue 10 item 1 (free nonce from the decode settings) and the old greedy attack: real inference on the honest model,
    /// but under a profile that differs from the pinned one in one field (cycled over every field the miner could pick,
    /// greedy decoding included). Each run is honest work under other settings; the only defect is the profile.
    /// </summary>
    private void ProfileAttack(Transformer honest, ModelIdentity identity, KnownModel known, Transformer verifier, ref SplitMix64 rng, TextWriter progress)
    {
        const string name = "decode settings, K, W, S, cap, ceiling or dt off the pinned profile (cycled; greedy included)";
        int k = options.Evidence, w = options.WindowSize;
        var d = DecodeSettings;
        ProofProfile[] variants =
        [
            Pinned(new DecodeParameters(d.TemperatureQ16 + 1, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN), k, w),
            Pinned(new DecodeParameters(d.TemperatureQ16, d.TopK - 1, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN), k, w),
            Pinned(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32 - 1, d.RepetitionPenaltyQ16, d.PenaltyLastN), k, w),
            Pinned(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16 + 1, d.PenaltyLastN), k, w),
            Pinned(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN + 1), k, w),
            Pinned(d, k + 1, w),
            Pinned(d, k, w + 1),
            Pinned(d, k, w, salt: PinnedSalt + 1),
            Pinned(d, k, w, cap: PromptCap + 1),
            Pinned(d, k, w, ceiling: EntropyCeiling.DefaultCeilingQ32 + 1),
            Pinned(d, k, w, PrecisionTag.BF16),
            Pinned(new DecodeParameters(DecodeParameters.MinTemperatureQ16, 1, DecodeParameters.TopPOffQ32), k, w), // greedy
        ];
        var prover = new ProofGenerator(honest, identity);
        for (int i = 0; i < options.PerAttack; i++)
        {
            var request = NewRequest(ref rng, variants[i % variants.Length]);
            Record(name, Verify(TranscriptCodec.Encode(prover.Prove(request).Transcript), request.Binding, known, verifier));
        }
        progress.WriteLine($"{name}: detected {Tally(name).Detected}/{Tally(name).Runs}");
    }

    /// <summary>
    /// The old greedy attack under a pinned profile: the miner cannot declare greedy settings, so it sharpens the
    /// distribution itself (every logit x8 before capture, i.e. temperature 0.1 while 0.8 is declared) to get a
    /// low-entropy, cheap-to-predict window. Tier 1 sees the ceiling if the window is peaked enough, tier 2 the logits.
    /// </summary>
    private void SharpenedAttack(Transformer honest, ModelIdentity identity, KnownModel known, Transformer verifier, ref SplitMix64 rng, TextWriter progress)
    {
        const string name = "logits x8 before capture (greedy-like window, pinned profile declared)";
        var prover = new ProofGenerator(honest, identity);
        for (int i = 0; i < options.PerAttack; i++)
        {
            var request = NewRequest(ref rng);
            var sampler = prover.CreateSampler(request.Prompt, request.Profile, request.Binding);
            new Generator(honest).Generate(new GenerationRequest(sampler.ModelPrompt, new ScalingSampler(sampler, 8f), request.Profile.WindowSize), null);
            Record(name, Verify(TranscriptCodec.Encode(sampler.ToTranscript()), request.Binding, known, verifier));
        }
        progress.WriteLine($"{name}: detected {Tally(name).Detected}/{Tally(name).Runs}");
    }

    /// <summary>Encoded length of the given steps: token, LEB128 id gaps, K logits, statistics.</summary>
    internal static int StepsBytes(IEnumerable<TranscriptStep> steps, int evidence)
    {
        int total = 0;
        foreach (var step in steps)
        {
            total += 4 + 4 * evidence + StatisticsEncoding.ByteLength;
            int previous = -1;
            foreach (var c in step.Evidence.Candidates)
            {
                for (uint gap = (uint)(c.TokenId - previous - 1); ; gap >>= 7)
                {
                    total++;
                    if (gap < 0x80) break;
                }
                previous = c.TokenId;
            }
        }
        return total;
    }

    private string Format(ModelIdentity identity)
    {
        var sb = new StringBuilder();
        if (_trained is null)
        {
            sb.AppendLine($"model: random Llama, {Spec.Layers} layers, d_model {Spec.ModelDim}, {Spec.Heads}/{Spec.KvHeads} heads, d_ff {Spec.FeedForwardDim}, vocab {Spec.VocabSize}, F32 (id {identity.Hex[..16]}...)");
            sb.AppendLine($"windows of {options.WindowSize} tokens after an {PromptTokens}-token prompt; evidence K={options.Evidence}; temperature 0.8, top-k 20, top-p 0.95, repetition penalty 1.1 over the last 64; salt {SaltTokens}, prompt cap {PromptCap}; {options.Threads} threads");
        }
        else
        {
            sb.AppendLine($"model: {_trained.Describe()} (id {identity.Hex[..16]}...)");
            sb.AppendLine($"windows of {options.WindowSize} tokens after a prompt drawn from the file; evidence K={options.Evidence}; temperature 1, top-k 32, top-p 0.95, no repetition penalty; salt {TrainedModel.SaltTokens}, prompt cap {PromptCap}, ceiling 0.85; {options.Threads} threads");
        }
        sb.AppendLine("proof format: transcript v2 (one window, pinned profile checked by tier 1, chain-bound salt, delta-coded evidence ids)");
        sb.AppendLine("verification: tier 1, then tier 2 exact at every position");
        sb.AppendLine();
        sb.AppendLine("| set | windows | rejected | rate | first reason codes |");
        sb.AppendLine("| --- | ---: | ---: | ---: | --- |");
        sb.AppendLine($"| honest | {options.Honest} | {_honestRejected} | false positives {Rate(_honestRejected, options.Honest)} | {string.Join("; ", _honestReasons.Take(3))} |");
        foreach (var (name, t) in _tallies)
            sb.AppendLine($"| {name} | {t.Runs} | {t.Detected} | detection {Rate(t.Detected, t.Runs)} | {string.Join(", ", t.Reasons.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} x{kv.Value}"))} |");
        double gen = Median(_generateMs), t1 = Median(_tier1Ms), t2 = Median(_tier2Ms);
        sb.AppendLine();
        sb.AppendLine("| cost per honest window (median) | ms |");
        sb.AppendLine("| --- | ---: |");
        sb.AppendLine($"| generation with proof capture | {gen:F2} |");
        sb.AppendLine($"| tier 1 (decode, draws, hashes, ceiling) | {t1:F3} |");
        sb.AppendLine($"| tier 2 (teacher-forced replay, exact) | {t2:F2} |");
        sb.AppendLine($"| generation / (tier 1 + tier 2) | **{gen / (t1 + t2):F1}x** |");
        sb.AppendLine($"| generation / tier 1 | **{gen / t1:F0}x** |");
        return sb.ToString();
    }

    private static string Rate(int k, int n) => n == 0 ? "-" : $"{100.0 * k / n:F1} %";

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed class AttackTally
    {
        public int Runs;
        public int Detected;
        public readonly Dictionary<string, int> Reasons = [];
    }
}

/// <summary>A SplitMix64 the attack lambdas can advance (a ref struct parameter cannot be captured).</summary>
public sealed class SplitMix64Box(ulong seed)
{
    private SplitMix64 _rng = new(seed);
    public ulong Next() => _rng.Next();
}

/// <summary>Raises the runner-up logit at one step so the draw moves, then hands the edited logits to the proof sampler.</summary>
internal sealed class SteeringSampler(ITokenSampler inner, int stepToSteer) : ITokenSampler
{
    private float[] _buffer = [];

    public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
    {
        if (step != stepToSteer) return inner.Sample(step, logits, context);
        if (_buffer.Length != logits.Length) _buffer = new float[logits.Length];
        logits.CopyTo(_buffer);
        int best = 0, second = -1;
        for (int v = 1; v < _buffer.Length; v++)
        {
            if (_buffer[v] > _buffer[best]) { second = best; best = v; }
            else if (second < 0 || _buffer[v] > _buffer[second]) second = v;
        }
        _buffer[second] = _buffer[best] + 2f;
        return inner.Sample(step, _buffer, context);
    }
}

/// <summary>Multiplies every logit by a factor before the proof sampler sees it (a temperature the profile does not allow).</summary>
internal sealed class ScalingSampler(ITokenSampler inner, float factor) : ITokenSampler
{
    private float[] _buffer = [];

    public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
    {
        if (_buffer.Length != logits.Length) _buffer = new float[logits.Length];
        for (int v = 0; v < logits.Length; v++) _buffer[v] = logits[v] * factor;
        return inner.Sample(step, _buffer, context);
    }
}
