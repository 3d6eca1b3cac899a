using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;

namespace TensorCash.Proving.ModelEquality;

/// <summary>
/// Draws the completions a Model Equality test compares: for each prompt, <c>perPrompt</c> independent completions of
/// exactly <c>length</c> tokens (no stop token, so every completion fills the kernel's L positions). Completion s of
/// prompt p is sampled with its own seed SplitMix64(seed, p, s), so a sample is reproducible one completion at a time
/// and two calls with different seeds are independent. Requests are batched; the backend's batch invariance makes
/// the batch size irrelevant to the output.
/// </summary>
public static class CompletionSampler
{
    /// <summary>Requests advanced together per Forward call.</summary>
    public const int BatchSize = 64;

    public static int[][][] Sample(Transformer transformer, IReadOnlyList<int[]> prompts, int perPrompt, int length,
        SamplingOptions sampling, ulong seed, Func<int, ITokenSampler, ITokenSampler>? wrap = null)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (perPrompt < 1) throw new ArgumentOutOfRangeException(nameof(perPrompt), perPrompt, "need at least one completion per prompt");
        if (length < 1 || length > HammingMmd.MaxCompletionLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"length must be in [1, {HammingMmd.MaxCompletionLength}]");

        var result = new int[prompts.Count][][];
        var jobs = new List<(int Prompt, int Sample)>();
        for (int p = 0; p < prompts.Count; p++)
        {
            result[p] = new int[perPrompt][];
            for (int s = 0; s < perPrompt; s++) jobs.Add((p, s));
        }
        var generator = new Generator(transformer);
        for (int first = 0; first < jobs.Count; first += BatchSize)
        {
            var batch = jobs.Skip(first).Take(BatchSize).ToArray();
            var requests = batch.Select(j =>
            {
                ITokenSampler sampler = new StandardSampler(sampling with { Seed = SampleSeed(seed, j.Prompt, j.Sample) });
                if (wrap is not null) sampler = wrap(j.Prompt, sampler);
                return new GenerationRequest(prompts[j.Prompt], sampler, length);
            }).ToArray();
            var outputs = generator.GenerateBatch(requests);
            for (int b = 0; b < batch.Length; b++) result[batch[b].Prompt][batch[b].Sample] = outputs[b].Tokens;
        }
        return result;
    }

    /// <summary>The sampling seed of completion <paramref name="sample"/> of prompt <paramref name="prompt"/>.</summary>
    public static ulong SampleSeed(ulong seed, int prompt, int sample) =>
        SplitMix64.Mix(SplitMix64.Mix(seed ^ 0x4D45_5400UL) ^ ((ulong)(uint)prompt << 32 | (uint)sample));

    /// <summary>
    /// <paramref name="count"/> prompts of <paramref name="tokens"/> ids each, uniform over [0, <paramref name="vocab"/>)
    /// after an optional BOS, from a seed. Random-token prompts stand in for the paper's Wikipedia prompts: the models
    /// available here have random weights, so no prompt is more natural than another.
    /// </summary>
    public static int[][] RandomPrompts(int count, int tokens, int vocab, int? bos, ulong seed)
    {
        if (count < 1 || tokens < 0 || vocab < 1) throw new ArgumentException("need count >= 1, tokens >= 0, vocab >= 1");
        var rng = new SamplingRng(seed);
        var prompts = new int[count][];
        for (int p = 0; p < count; p++)
        {
            var ids = new List<int>();
            if (bos is { } b) ids.Add(b);
            for (int i = 0; i < tokens; i++) ids.Add((int)MmdPermutationTest.UniformBelow(rng, (ulong)vocab));
            if (ids.Count == 0) ids.Add(0);
            prompts[p] = ids.ToArray();
        }
        return prompts;
    }
}
