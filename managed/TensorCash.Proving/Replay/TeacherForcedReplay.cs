using TensorCash.Engine.Runtime;

namespace TensorCash.Proving.Replay;

/// <summary>
/// One teacher-forced prefill over prompt ‖ salt ‖ y_0..y_{n-2}: step t's logits are those of context position
/// modelPromptLength − 1 + t. The prompt and salt go in calls of at most ChunkSize tokens (the engine's logits do not
/// depend on how the context is split, so the chunk size only bounds activation memory); from step 0 on, calls hold
/// StepChunkSize positions, then twice as many each call (up to ChunkSize), so a replay that finds a bad step at
/// position p has fed at most 2p + StepChunkSize window positions, while an honest replay still runs in few, wide
/// calls (the GEMM kernels want many rows per weight pass). Each
/// call asks for the logits of the checked rows it holds and no others (<see cref="LogitsMode.Rows"/>): the LM head
/// runs for checked steps only, and unchecked rows skip the last layer's attention and MLP. The context ends at the
/// last checked step, so nothing after it is fed.
/// </summary>
internal static class TeacherForcedReplay
{
    /// <summary>Called with each checked step's logits in order; returning false stops the replay there.</summary>
    public delegate bool StepLogits(int step, ReadOnlySpan<float> logits);

    /// <summary>Positions in the first forward call once the window starts: the granularity of stopping at a failed step.</summary>
    public const int StepChunkSize = 16;

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
        int stepChunk = Math.Min(chunkSize, StepChunkSize);
        for (int start = 0; start < context.Length;)
        {
            int end = start < first ? Math.Min(first, start + chunkSize) : Math.Min(context.Length, start + stepChunk);
            if (start >= first) stepChunk = Math.Min(chunkSize, 2 * stepChunk);
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
