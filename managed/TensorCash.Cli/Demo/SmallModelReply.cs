using System.Diagnostics;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;

namespace TensorCash.Cli.Demo;

/// <summary>A customer prompt served on builtin:small: its continuation as ids and text, and what it cost.</summary>
public sealed record DemoReply(string Model, int[] PromptTokens, int[] Tokens, string Text, double LoadMilliseconds, double GenerateMilliseconds);

/// <summary>
/// The demo's customer request served on the trained builtin:small, so the demo shows readable text. Mining stays on
/// builtin:tiny: the genesis model table pins it (ChainParams), so a chain that mined on small would need small
/// registered first, and the miner's customer text would then mix two vocabularies (tiny reads bytes, small its BPE).
/// Serving is the node's other job (`tensorcash serve`), not consensus, so it may run any model. Sampling is seeded,
/// so the reply is the same on every run and machine (the native backend is bitwise deterministic).
/// </summary>
public static class SmallModelReply
{
    public const int MaxTokens = 48;
    /// <summary>`tensorcash generate`'s defaults with a fixed seed: the reply equals `generate -m builtin:small -p PROMPT --seed 1 -n 48`.</summary>
    public static SamplingOptions Sampling { get; } = new() { Seed = 1 };

    public static DemoReply Serve(string prompt, int threads, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var weights = BuiltinModels.Load(BuiltinModels.SmallName);
        var tokenizer = BuiltinModels.LoadTokenizer(BuiltinModels.SmallName);
        using var transformer = Transformer.Create(weights, threads);
        double load = clock.Elapsed.TotalMilliseconds;

        int[] promptIds = tokenizer.Encode(prompt);
        var stop = tokenizer.EosTokenId is { } eos ? new HashSet<int> { eos } : null;
        clock.Restart();
        var result = new Generator(transformer).Generate(new GenerationRequest(promptIds, new StandardSampler(Sampling), MaxTokens, stop), cancellation: cancellation);
        return new DemoReply(BuiltinModels.SmallName, promptIds, result.Tokens, tokenizer.Decode(result.Tokens, skipSpecialTokens: true), load,
            clock.Elapsed.TotalMilliseconds);
    }
}
