using TensorCash.Engine.Runtime;

namespace TensorCash.Proving.Replay;

/// <summary>
/// One teacher-forced prefill over prompt ‖ salt ‖ y_0..y_{n-2}: step t's logits are those of context position
/// modelPromptLength − 1 + t. The context goes in calls of at most ChunkSize tokens (the engine's logits do not depend
/// on how the context is split, so the chunk size only bounds activation memory). Each call asks for the logits of the
/// checked rows it holds and no others (<see cref="LogitsMode.Rows"/>): the LM head runs for checked steps only, and
/// unchecked rows skip the last layer's attention and MLP. The context ends at the last checked step, so nothing after
/// it is fed, and the caller may stop at any reported step (no later call is made). Narrower calls to stop sooner
/// inside a window were measured and dropped: a window is at most 4096 positions after a capped prompt, so what they
/// save on a bogus proof is small next to the prompt's prefill, and they cost every honest replay a weight pass per
/// call (a 64-step window in calls of 16, 32, 16 took 241 ms against 153 ms for one call on the 156M model).
/// </summary>
internal static class TeacherForcedReplay
{
    /// <summary>Called with each checked step's logits in order; returning false stops the replay there.</summary>
    public delegate bool StepLogits(int step, ReadOnlySpan<float> logits);

    /// <summary>Context to feed so that every step up to <paramref name="lastStep"/> has logits; inputs already validated.</summary>
    public static int[] Context(IReadOnlyList<int> modelPrompt, IReadOnlyList<int> generated, int lastStep) =>
        modelPrompt.Concat(generated.Take(lastStep)).ToArray();

    /// <param name="steps">Steps to produce logits for, strictly ascending; the context ends at the last one.</param>
    /// <returns>False if <paramref name="onStep"/> stopped the replay.</returns>
    public static bool Run(Transformer transformer, int[] context, int modelPromptLength, IReadOnlyList<int> steps, int chunkSize, StepLogits onStep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        int vocab = transformer.Config.VocabSize;
        int first = modelPromptLength - 1; // context index whose logits are step 0's
        int[] rows = steps.Select(s => first + s).ToArray();
        if (rows.Length == 0 || rows[^1] != context.Length - 1)
            throw new ArgumentException("the context must end at the last checked step", nameof(steps));

        using Sequence sequence = transformer.NewSequence(context.Length);
        int next = 0; // index into rows of the next step to report
        for (int start = 0; start < context.Length;)
        {
            int end = Math.Min(context.Length, start + chunkSize);
            int from = next;
            while (next < rows.Length && rows[next] < end) next++;
            int[] local = rows[from..next].Select(r => r - start).ToArray();
            var logits = new float[local.Length * vocab];
            transformer.Forward([new ForwardRequest(sequence, context.AsMemory(start, end - start), LogitsMode.Rows, logits, default, local)]);
            for (int j = 0; j < local.Length; j++)
                if (!onStep(rows[from + j] - first, logits.AsSpan(j * vocab, vocab))) return false;
            start = end;
        }
        return true;
    }
}
