using System.Text;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proving;

namespace TensorCash.Tests.Proving;

/// <summary>
/// Builds proof transcripts the way the capture path does (evidence = TopK(logits, K) as raw fp32 bits, statistics =
/// LogitStatistics.Compute), from any "next-token logits" function, so tests can play an honest or a cheating miner.
/// Tokens follow a fixed rule (rank t mod 3 of the top K): tier 2 does not check draws. The model is fed the prompt,
/// then the header's chain-bound salt (ProofSalt.ModelPrompt), as tier 2 replays it.
/// </summary>
public static class ReplayTranscriptsForTests
{
    public static ProofTranscript Build(Func<int[], float[]> nextLogits, int vocab, int[] prompt, int steps, int k)
    {
        var header = Header(prompt, k, vocab, steps);
        var sketch = new LogitSketch(vocab);
        var context = new List<int>(ProofSalt.ModelPrompt(header));
        var recorded = new List<TranscriptStep>();
        for (int t = 0; t < steps; t++)
        {
            float[] logits = nextLogits(context.ToArray());
            var (ids, values) = TopK.Select(logits, k);
            int token = ids[t % Math.Min(3, ids.Length)];
            var evidence = new StepEvidence(ids.Select((id, i) => new LogitCandidate(id, BitConverter.SingleToUInt32Bits(values[i]))));
            recorded.Add(new TranscriptStep(token, evidence, LogitStatistics.Compute(logits, token, sketch)));
            context.Add(token);
        }
        return new ProofTranscript(header, recorded);
    }

    /// <summary>A one-window header: W = <paramref name="steps"/>, K = <paramref name="k"/>, 4 salt tokens, no top-k/top-p cut.</summary>
    public static TranscriptHeader Header(int[] prompt, int k, int vocab, int steps) => new(
        Encoding.ASCII.GetBytes("tensorcash/replay-test"),
        new ProofProfile(new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32), k, steps, PrecisionTag.F32, vocab, 4, 1024),
        new ChainBinding(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), new byte[32], 7),
        prompt);

    /// <summary>An honest native miner decoding token by token (one KV cache, LogitsMode.Last).</summary>
    public static ProofTranscript NativeMiner(Transformer miner, int[] prompt, int steps, int k)
    {
        int vocab = miner.Config.VocabSize;
        using Sequence sequence = miner.NewSequence(prompt.Length + ProofProfile.MaxSaltTokens + steps);
        return Build(context =>
        {
            var logits = new float[vocab];
            miner.Forward([new ForwardRequest(sequence, context.AsMemory(sequence.Length), LogitsMode.Last, logits)]);
            return logits;
        }, vocab, prompt, steps, k);
    }

    /// <summary>A miner on "another backend": the float64 reference implementation, logits rounded to fp32.</summary>
    public static ProofTranscript ReferenceMiner(ReferenceTransformer miner, int vocab, int[] prompt, int steps, int k) =>
        Build(context =>
        {
            double[,] all = miner.Forward(context);
            var logits = new float[vocab];
            for (int v = 0; v < vocab; v++) logits[v] = (float)all[context.Length - 1, v];
            return logits;
        }, vocab, prompt, steps, k);

    public static int[] Prompt(int length, int vocab, int salt = 0) =>
        Enumerable.Range(0, length).Select(i => (i * 37 + 11 + salt * 101) % vocab).ToArray();

    /// <summary>The transcript with step <paramref name="step"/> replaced.</summary>
    public static ProofTranscript WithStep(ProofTranscript transcript, int step, Func<TranscriptStep, TranscriptStep> edit) =>
        transcript with { Steps = transcript.Steps.Select((s, i) => i == step ? edit(s) : s).ToList() };
}
