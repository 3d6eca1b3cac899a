using System.Diagnostics;
using System.Globalization;
using System.Text;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proving;

namespace TensorCash.Calibration;

/// <summary>
/// Prefix reuse (issue 10, item 6): how many forward positions a miner must compute per candidate when it keeps every
/// context it ever computed (a trie of token sequences: a KV cache plus the logits at each node) and reuses them
/// across attempts. A position is "new" when the full token sequence the model is fed up to it was never fed before;
/// only new positions cost a forward pass. Two designs are simulated on the same draws and sampler:
///
/// * OLD (v1): the model is fed prompt ‖ y_0..y_{t-1}. The window's logits depend on the context tokens only, so an
///   attempt under a new B reuses every position whose token prefix an earlier attempt already produced.
/// * NEW (v2): the model is fed prompt ‖ salt(B, prompt) ‖ y_0..y_{t-1} (ProofSalt, what ProofGenerator feeds).
///
/// The draws come from the real <see cref="ProofSession"/> (its u_t depends on B, the prompt and the tokens in both
/// designs; in v1 it did too, only without the salt, which changes nothing in law), and so do the sampled token, the
/// sampled probability π_t and eligibility under the pinned profile's entropy ceiling: a candidate is an eligible window.
///
/// The model is an oracle the attacker designs: a deterministic function from the context to K evidence logits, with
/// a branching factor b per position: b tokens tie at the top (+30), the rest of the evidence far below, so top-p keeps
/// exactly those b and π_t = 1/b (b = 1: a deterministic position). A real model can come close to this by reciting a
/// memorised text (b = 1) with a few free choices; the oracle is the attacker's best case, not a typical model. A real
/// model (builtin:tiny at a low temperature) is run too.
/// </summary>
public sealed class ReuseBench(CalibrationOptions options)
{
    private const int PromptTokens = 8;
    private const int Peak = 30;
    private static readonly byte[] OracleModelId = [0xA1, 0x5E];
    private static readonly int[] Strides = [1, 5, 7, 13, 17, 19, 23, 25, 29, 31, 35, 37, 41, 43, 47, 49];

    private enum Design { Old, New }

    /// <summary>How the attacker treats a B whose path leaves the cache: pay for the missing positions, or drop the B (hashing only) unless at most MaxPay are missing.</summary>
    private sealed record Policy(string Name, int MaxPay, int Warmup);

    private sealed record Pattern(string Name, Func<int, int> Branching);

    private sealed class Tally
    {
        public long Attempts, Abandoned, Candidates, Closed, WindowNew, PrefixNew, Steps;
        public long SteadyAttempts, SteadyWindowNew, SteadyCandidates, SteadyPositions;
        public double Seconds;
    }

    private readonly List<string> _rows = [];
    private ProofProfile _profile = null!;

    public string Run(TextWriter progress)
    {
        int w = options.WindowSize;
        // builtin:tiny's pinned profile at this W (ChainParams.BuiltinTinyProfile): τ 1, top-k 32, top-p 0.95, K 32, V 264,
        // cap 1024, and S 8 unless --salt asks for another (the figures recorded on 2026-12-02 ran with S 4, the value then;
        // the salt length changes only the salt-collision residual, which --salt measures).
        _profile = new ProofProfile(new DecodeParameters(1u << 16, 32, 4_080_218_931, 1u << 16, 0), 32, w, PrecisionTag.F32, 264,
            options.Salt > 0 ? options.Salt : 8, 1024);
        int attempts = options.Reuse;

        // Cheapest eligible layouts under the 0.85 ceiling: the fewest free positions, last in the window (so a divergence
        // costs as little as possible), with b = 2 (π = 1/2: R = 20, 2^20 distinct windows) or b = 31 (31 ties, of which top-p 0.95 keeps 30: π = 1/30, R = 10).
        int r2 = FreePositions(2), r31 = FreePositions(31);
        var tail2 = new Pattern($"deterministic, then the last {r2} positions 2-way", j => j >= w - r2 ? 2 : 1);
        var tail31 = new Pattern($"deterministic, then the last {r31} positions 31-way (top-p keeps 30)", j => j >= w - r31 ? 31 : 1);
        // For the sliding prompt the free positions must fall in every window wherever it starts: a periodic layout.
        var periodic2 = new Pattern("5 of every 16 positions 2-way (20 per window)", j => (j & 15) < 5 ? 2 : 1);
        var periodic31 = new Pattern("5 of every 32 positions 31-way (10 per window; top-p keeps 30)", j => (j & 31) < 5 ? 31 : 1);
        var pay = new Policy("pay every missing position", int.MaxValue, 0);

        if (options.Salt > 0)
        {
            // The salt has V^S values: a miner can grind B until the salt repeats one it already computed the window
            // after, and then reuse that window's cache as in the old design. Measured at S = 1, 2 (where it is cheap)
            // to give the per-collision figures; at S = 4 and V = 264 a collision costs 264^4 / (cached salts) B trials.
            foreach (var pattern in new[] { tail2, tail31 })
            {
                SamePrompt(Design.New, pattern, new Policy($"warm-up {attempts / 10} paid attempts, then grind B: drop any B whose path leaves the cache", 0, attempts / 10), attempts * 5, progress);
                SamePrompt(Design.New, pattern, new Policy($"warm-up {attempts / 10} paid attempts, then grind B: pay at most 8 missing positions", 8, attempts / 10), attempts * 5, progress);
            }
            return Format();
        }
        // The oracle does not depend on the model: with --trained only the real-model runs are made.
        foreach (var design in options.Trained is null ? new[] { Design.Old, Design.New } : [])
        {
            foreach (var pattern in new[] { tail2, tail31 })
                SamePrompt(design, pattern, pay, attempts, progress);
            foreach (var pattern in new[] { periodic2, periodic31 })
                Sliding(design, pattern, Math.Min(attempts, _profile.MaxPromptTokens - PromptTokens), progress);
            // The strongest attacker: grind B (hashing only) and keep a B only while its path stays in the cache.
            foreach (var pattern in new[] { tail2, tail31 })
            {
                SamePrompt(design, pattern, new Policy($"warm-up {attempts / 10} paid attempts, then grind B: drop any B whose path leaves the cache", 0, attempts / 10), attempts * 5, progress);
                SamePrompt(design, pattern, new Policy($"warm-up {attempts / 10} paid attempts, then grind B: pay at most 8 missing positions", 8, attempts / 10), attempts * 5, progress);
            }
        }
        if (options.Temperatures.Length > 0) RealModel(progress);
        return Format();
    }

    /// <summary>R: the fewest b-way positions (π = 1/b, the rest π = 1) that bring the window's mean π under the ceiling.</summary>
    private int FreePositions(int b)
    {
        int w = _profile.WindowSize;
        for (int r = 1; r <= w; r++)
            if ((w - r) + r / (double)b <= w * (_profile.CeilingQ32 / 4294967296.0) - 1e-9) return r;
        return w;
    }

    private void SamePrompt(Design design, Pattern pattern, Policy policy, int attempts, TextWriter progress)
    {
        var rng = new SplitMix64(0x5EED_0001);
        int[] prompt = RandomPrompt(ref rng);
        var cache = new HashSet<UInt128>();
        var tally = new Tally();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < attempts; i++)
        {
            var active = i < policy.Warmup ? int.MaxValue : policy.MaxPay;
            Attempt(design, prompt, NewBinding(ref rng), pattern, active, cache, tally, steady: i >= attempts * 3 / 4);
        }
        tally.Seconds = sw.Elapsed.TotalSeconds;
        Report(design, "same prompt, new B per attempt", pattern, policy.Name, tally, progress);
    }

    /// <summary>
    /// prompt_{k+1} = prompt_k ‖ y^k_0: each attempt starts one token further into the text the previous attempt
    /// computed, so its prompt is a cached context and its window may follow the previous window's path (the issue's
    /// prompt_k = prompt ‖ y_0..y_{k-1}). In the new design the salt sits between prompt_k and y^k_0, so the next
    /// prompt is the fed context fed_k ‖ y^k_0 (the cached one; the prompt grows by S + 1 per attempt, up to the cap).
    /// </summary>
    private void Sliding(Design design, Pattern pattern, int attempts, TextWriter progress)
    {
        var rng = new SplitMix64(0x5EED_0002);
        int[] prompt0 = RandomPrompt(ref rng);
        int[] prompt = prompt0;
        var cache = new HashSet<UInt128>();
        var tally = new Tally();
        var sw = Stopwatch.StartNew();
        // The prompt cap ends the slide: it grows by 1 (old) or S + 1 (new) tokens per attempt.
        attempts = Math.Min(attempts, (_profile.MaxPromptTokens - prompt0.Length - _profile.SaltTokens - 1) / (design == Design.Old ? 1 : _profile.SaltTokens + 1));
        for (int k = 0; k < attempts; k++)
        {
            var binding = NewBinding(ref rng);
            int[] fed = design == Design.Old ? prompt : [.. prompt, .. ProofSalt.Derive(binding, _profile.Precision, ContextHash.Initial(OracleModelId, prompt), _profile.SaltTokens, _profile.VocabSize)];
            if (fed.Length + 1 > _profile.MaxPromptTokens) break;
            var window = Attempt(design, prompt, binding, pattern, int.MaxValue, cache, tally, steady: k >= attempts * 3 / 4, patternOrigin: prompt0.Length);
            prompt = [.. fed, window![0]];
        }
        tally.Seconds = sw.Elapsed.TotalSeconds;
        Report(design, "sliding prompt, prompt_{k+1} = prompt_k (‖ salt_k) ‖ y^k_0", pattern, "pay every missing position", tally, progress);
    }

    /// <summary>
    /// One attempt: runs the session over the oracle's evidence, marking every position fed to the model as computed.
    /// Returns the window's tokens, or null when the policy dropped the B at its first uncached position with more
    /// than maxPay positions left (nothing was computed for it: the draws and context hashes are hashing only).
    /// </summary>
    private int[]? Attempt(Design design, int[] prompt, ChainBinding binding, Pattern pattern, int maxPay, HashSet<UInt128> cache,
        Tally tally, bool steady, int patternOrigin = -1)
    {
        int w = _profile.WindowSize;
        var session = new ProofSession(binding, OracleModelId, prompt, _profile);
        int[] fed = design == Design.Old ? prompt : [.. prompt, .. session.Salt];
        // The layout is the attacker's: relative to the window start (same prompt) or to the text start (sliding).
        int origin = patternOrigin < 0 ? fed.Length : patternOrigin + (design == Design.New ? _profile.SaltTokens : 0);

        // Walk the fed prefix without marking: a dropped B computes nothing.
        var path = new List<UInt128>(fed.Length + w);
        UInt128 h = 0;
        foreach (int token in fed) path.Add(h = Next(h, token));
        var tokens = new int[w];
        var statistics = new byte[Proof.Transcript.StatisticsEncoding.ByteLength];
        int firstMiss = -1;
        for (int t = 0; t < w; t++)
        {
            // Step t's logits come from the position holding the last fed token: context = fed ‖ y_<t.
            if (t > 0) path.Add(h = Next(h, tokens[t - 1]));
            if (firstMiss < 0 && !cache.Contains(h))
            {
                firstMiss = t;
                if (w - t > maxPay)
                {
                    tally.Abandoned++;
                    tally.Steps += t;
                    return null;
                }
            }
            int length = fed.Length + t;
            var pending = session.Sample(Evidence(h, pattern.Branching(length - origin)));
            tokens[t] = pending.Sampled.TokenId;
            var result = session.Commit(pending, statistics);
            if (result.ClosedWindow is { } window)
            {
                tally.Closed++;
                if (window.Eligible) tally.Candidates++;
                if (steady && window.Eligible) tally.SteadyCandidates++;
            }
        }
        tally.Steps += w;

        // Count and mark: prefix positions (prompt, salt) except the last, then the W positions whose logits the window uses.
        int prefixNew = 0, windowNew = 0;
        for (int i = 0; i < path.Count; i++)
        {
            bool isNew = cache.Add(path[i]);
            if (!isNew) continue;
            if (i < fed.Length - 1) prefixNew++;
            else windowNew++;
        }
        tally.Attempts++;
        tally.WindowNew += windowNew;
        tally.PrefixNew += prefixNew;
        if (steady)
        {
            tally.SteadyAttempts++;
            tally.SteadyWindowNew += windowNew;
            tally.SteadyPositions += windowNew + prefixNew;
        }
        return tokens;
    }

    /// <summary>The oracle: K evidence candidates at distinct ids chosen by the context hash, b of them tied at the top.</summary>
    private StepEvidence Evidence(UInt128 context, int branching)
    {
        int k = _profile.EvidenceCount, v = _profile.VocabSize;
        ulong lo = (ulong)context, hi = (ulong)(context >> 64);
        int start = (int)(lo % (ulong)v), stride = Strides[(int)(hi % (ulong)Strides.Length)];
        var candidates = new LogitCandidate[k];
        for (int i = 0; i < k; i++)
        {
            float logit = i < branching ? Peak : 1f - i / 64f;
            candidates[i] = new LogitCandidate((start + i * stride) % v, BitConverter.SingleToUInt32Bits(logit));
        }
        return new StepEvidence(candidates);
    }

    /// <summary>A 128-bit hash of the token sequence (two independent 64-bit chains); collisions are negligible at these counts.</summary>
    private static UInt128 Next(UInt128 h, int token)
    {
        ulong a = Mix((ulong)h ^ ((ulong)(uint)token * 0x9E3779B97F4A7C15UL) ^ 0x1234567UL);
        ulong b = Mix((ulong)(h >> 64) + (ulong)(uint)token * 0xC2B2AE3D27D4EB4FUL + 0x7654321UL);
        return ((UInt128)b << 64) | a;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// A real model: builtin:tiny (or with --trained the trained model, a real prompt from --prompts and its profile,
    /// TrainedModel.Profile) through the real generator and proof sampler at a pinned temperature, same prompt and new
    /// B per attempt, old (prompt fed) and new (prompt ‖ salt fed) designs.
    /// </summary>
    private void RealModel(TextWriter progress)
    {
        using var trained = options.Trained is null ? null : TrainedModel.Load(options);
        using var builtin = trained is null ? BuiltinModels.Load(BuiltinModels.TinyName) : null;
        var weights = trained?.Weights ?? builtin!;
        string modelName = trained is null ? "builtin:tiny" : Path.GetFileName(trained.Path);
        var identity = ModelIdentity.Compute(weights);
        using var transformer = Transformer.Create(weights, options.Threads);
        var prover = new ProofGenerator(transformer, identity);
        int attempts = Math.Min(options.Reuse, options.RealAttempts);
        foreach (int milli in options.Temperatures)
        {
            uint tauQ16 = (uint)Math.Max(DecodeParameters.MinTemperatureQ16, milli * 65536L / 1000);
            var profile = trained?.Profile(options.WindowSize, tauQ16)
                ?? new ProofProfile(new DecodeParameters(tauQ16, 32, 4_080_218_931, 1u << 16, 0), 32, options.WindowSize, PrecisionTag.F32, 264, 4, 1024);
            foreach (var design in new[] { Design.Old, Design.New })
            {
                var rng = new SplitMix64(0x5EED_0003);
                // The attacker picks the prompt: on the trained model, memorised text (the "train" set) is its best case.
                int[] prompt = trained?.NextPrompt(rng.Next(), "train") ?? [BuiltinModels.TinyBosId, .. RandomPrompt(ref rng)[1..]];
                var cache = new HashSet<UInt128>();
                var tally = new Tally();
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < attempts; i++)
                {
                    var sampler = prover.CreateSampler(prompt, profile, NewBinding(ref rng));
                    int[] fed = design == Design.Old ? prompt : sampler.ModelPrompt;
                    new Generator(transformer).Generate(new GenerationRequest(fed, sampler, profile.WindowSize), null);
                    var transcript = sampler.ToTranscript();
                    UInt128 h = 0;
                    int prefixNew = 0, windowNew = 0;
                    for (int p = 0; p < fed.Length; p++)
                        if (cache.Add(h = Next(h, fed[p])))
                        {
                            if (p < fed.Length - 1) prefixNew++;
                            else windowNew++;
                        }
                    for (int t = 0; t < profile.WindowSize - 1; t++)
                        if (cache.Add(h = Next(h, transcript.Steps[t].Token))) windowNew++;
                    bool steady = i >= attempts * 3 / 4;
                    tally.Attempts++;
                    tally.Closed++;
                    tally.Steps += profile.WindowSize;
                    tally.WindowNew += windowNew;
                    tally.PrefixNew += prefixNew;
                    if (sampler.Window!.Eligible) tally.Candidates++;
                    if (steady)
                    {
                        tally.SteadyAttempts++;
                        tally.SteadyWindowNew += windowNew;
                        tally.SteadyPositions += windowNew + prefixNew;
                        if (sampler.Window.Eligible) tally.SteadyCandidates++;
                    }
                }
                tally.Seconds = sw.Elapsed.TotalSeconds;
                Report(design, "same prompt, new B per attempt", new Pattern(string.Create(CultureInfo.InvariantCulture, $"{modelName}, τ = {milli / 1000.0:0.###}{(trained is null ? "" : $", {prompt.Length}-token prompt")}"), _ => 0),
                    "pay every missing position", tally, progress);
            }
        }
    }

    private static int[] RandomPrompt(ref SplitMix64 rng)
    {
        var prompt = new int[PromptTokens];
        for (int i = 0; i < prompt.Length; i++) prompt[i] = (int)(rng.Next() % 256);
        return prompt;
    }

    private static ChainBinding NewBinding(ref SplitMix64 rng)
    {
        var b = new byte[32];
        for (int i = 0; i < 32; i += 8) BitConverter.TryWriteBytes(b.AsSpan(i), rng.Next());
        return new ChainBinding(b, new byte[32], rng.Next() % 1_000_000);
    }

    private void Report(Design design, string strategy, Pattern pattern, string policy, Tally t, TextWriter progress)
    {
        int w = _profile.WindowSize;
        double perAttempt = t.Attempts == 0 ? double.NaN : (double)t.WindowNew / t.Attempts;
        double steadyPerAttempt = t.SteadyAttempts == 0 ? double.NaN : (double)t.SteadyWindowNew / t.SteadyAttempts;
        double perCandidate = t.Candidates == 0 ? double.NaN : (double)(t.WindowNew + t.PrefixNew) / t.Candidates;
        double steadyPerCandidate = t.SteadyCandidates == 0 ? double.NaN : (double)t.SteadyPositions / t.SteadyCandidates;
        long trials = t.Attempts + t.Abandoned;
        string row = string.Create(CultureInfo.InvariantCulture,
            $"| {design.ToString().ToLowerInvariant()} | {strategy} | {pattern.Name} | {policy} | {trials} | {t.Attempts} | {t.Candidates} | " +
            $"{perAttempt:F2} ({perAttempt / w:F3} W) | {steadyPerAttempt:F2} ({steadyPerAttempt / w:F3} W) | {(double)t.PrefixNew / Math.Max(1, t.Attempts):F2} | " +
            $"{perCandidate:F2} ({perCandidate / w:F3} W) | {steadyPerCandidate:F2} ({steadyPerCandidate / w:F3} W) | {(t.Candidates == 0 ? double.NaN : (double)trials / t.Candidates):F1} | {t.Seconds:F1} |");
        _rows.Add(row);
        progress.WriteLine(row);
    }

    private string Format()
    {
        var sb = new StringBuilder();
        if (options.Trained is null)
            sb.AppendLine(CultureInfo.InvariantCulture, $"profile: builtin:tiny's pinned profile at W = {_profile.WindowSize} (τ 1, top-k 32, top-p 0.95, K 32, V 264, S {_profile.SaltTokens}, prompt cap 1024, ceiling 0.85); {PromptTokens}-token prompts");
        else
            sb.AppendLine(CultureInfo.InvariantCulture, $"profile: builtin:tiny's decode settings at W = {_profile.WindowSize} and the listed τ (top-k 32, top-p 0.95, K 32, S {TrainedModel.SaltTokens}, prompt cap 256, ceiling 0.85) on the trained model's vocabulary; one real prompt per run (--prompts)");
        sb.AppendLine("new positions = forward positions whose full fed context was never computed before (a trie over every attempt's contexts);");
        sb.AppendLine("'window' counts the W positions whose logits the window uses (the last prompt/salt position and the first W-1 window tokens); 'prefix' the other prompt and salt positions.");
        sb.AppendLine("'steady' = the last quarter of the B trials (the cache is warm). 'B trials / candidate' counts every B tried, dropped ones included (a dropped B costs hashes only).");
        sb.AppendLine();
        sb.AppendLine("| design | strategy | model (oracle layout) | policy | B trials | windows computed | candidates (eligible) | new window positions / window | same, steady | new prefix positions / window | new positions / candidate | same, steady | B trials / candidate | s |");
        sb.AppendLine("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in _rows) sb.AppendLine(row);
        return sb.ToString();
    }
}
