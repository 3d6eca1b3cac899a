using System.Diagnostics;
using System.Runtime.InteropServices;
using TensorCash.Chain.Consensus;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proving;

namespace TensorCash.RegistryBench;

/// <summary>
/// Wall time of one proof window, the miner's unit of work: <see cref="ProofGenerator.Prove"/> on a 1-token prompt
/// (the cheapest window: prefill of prompt + S salt tokens, then W sampled tokens with W − 1 decode steps), one thread,
/// builtin:tiny's pinned profile (<see cref="ChainParams.BuiltinTinyProfile"/>) with the model's vocabulary. Models are
/// measured round-robin (one window of each model per round) so that drift in the machine's load hits all alike.
/// Each window is timed twice: wall clock, and the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID). With one
/// thread the native backend runs inline on the caller, so the thread's CPU time is the window's work; on an idle
/// machine the two agree, on a shared one the CPU time leaves out the time the thread was not scheduled.
/// </summary>
public sealed partial class WindowTimer : IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    public static double ThreadCpuMs()
    {
        if (ClockGetTime(ThreadCpuClock, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    private readonly List<Loaded> _models = [];

    public WindowTimer(IEnumerable<BenchModel> models, TextWriter progress)
    {
        foreach (var model in models)
        {
            progress.WriteLine($"loading {model.Name}");
            var weights = model.Load();
            var identity = ModelIdentity.Compute(weights);
            var transformer = Transformer.Create(weights, 1);
            _models.Add(new Loaded(model, weights, transformer, new ProofGenerator(transformer, identity)));
        }
    }

    public static ProofProfile Profile(int window, int vocab)
    {
        var p = ChainParams.BuiltinTinyProfile(window);
        return new ProofProfile(p.Decode, p.EvidenceCount, window, p.Precision, vocab, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32);
    }

    /// <summary>Milliseconds per window of every model at window size <paramref name="window"/>: <paramref name="rounds"/> samples each after <paramref name="warmup"/> discarded rounds.</summary>
    public (Dictionary<BenchModel, List<double>> Cpu, Dictionary<BenchModel, List<double>> Wall) Measure(int window, int warmup, int rounds, TextWriter progress)
    {
        var samples = _models.ToDictionary(m => m.Model, _ => new List<double>());
        var wall = _models.ToDictionary(m => m.Model, _ => new List<double>());
        var rng = new SplitMix64(0x5E61_57E7 + (ulong)window);
        for (int round = 0; round < warmup + rounds; round++)
        {
            foreach (var m in _models)
            {
                var profile = Profile(window, m.Model.Vocab);
                int bos = m.Model.Vocab == BuiltinModels.TinyVocabSize ? BuiltinModels.TinyBosId : 1;
                var request = new ProveRequest([bos], profile, Binding(ref rng));
                long start = Stopwatch.GetTimestamp();
                double cpuStart = ThreadCpuMs();
                var result = m.Prover.Prove(request);
                double cpu = ThreadCpuMs() - cpuStart;
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (result.Transcript.Steps.Count != window) throw new InvalidOperationException($"{m.Model.Name}: {result.Transcript.Steps.Count} steps");
                if (round >= warmup)
                {
                    samples[m.Model].Add(cpu);
                    wall[m.Model].Add(ms);
                }
            }
            progress.WriteLine($"W {window}: round {round + 1}/{warmup + rounds}");
        }
        return (samples, wall);
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

    public void Dispose()
    {
        foreach (var m in _models)
        {
            m.Transformer.Dispose();
            m.Weights.Dispose();
        }
    }

    private sealed record Loaded(BenchModel Model, ModelWeights Weights, Transformer Transformer, ProofGenerator Prover);
}
