using TensorCash.Engine.Runtime;

namespace TensorCash.Proving.Replay;

/// <summary>
/// One teacher-forced prefill over prompt ‖ y_0..y_{n-2}: step t's logits are those of context position
/// prompt.Length − 1 + t. Fed in chunks (the engine's logits do not depend on chunking), and logits are only
/// requested for chunks that contain a checked step, so memory is ChunkSize × VocabSize floats.
/// </summary>
internal static class TeacherForcedReplay
{
    public delegate void StepLogits(int step, ReadOnlySpan<float> logits);

    /// <summary>Context to feed so that every step up to <paramref name="lastStep"/> has logits; inputs already validated.</summary>
    public static int[] Context(IReadOnlyList<int> prompt, IReadOnlyList<int> generated, int lastStep) =>
        prompt.Concat(generated.Take(lastStep)).ToArray();

    public static void Run(Transformer transformer, int[] context, int promptLength, IReadOnlyCollection<int> steps, int chunkSize, StepLogits onStep)
    {
        int vocab = transformer.Config.VocabSize;
        var wanted = steps.ToHashSet();
        int first = promptLength - 1; // context index whose logits are step 0's
        var logits = new float[chunkSize * vocab];
        using Sequence sequence = transformer.NewSequence(context.Length);
        for (int start = 0; start < context.Length;)
        {
            // Chunks never straddle `first`, so the prompt's body is fed without logits.
            int end = start < first ? Math.Min(first, start + chunkSize) : Math.Min(context.Length, start + chunkSize);
            bool any = false;
            for (int i = Math.Max(start, first); i < end && !any; i++) any = wanted.Contains(i - first);
            var mode = any ? LogitsMode.All : LogitsMode.None;
            transformer.Forward([new ForwardRequest(sequence, context.AsMemory(start, end - start), mode, logits)]);
            if (any)
                for (int i = Math.Max(start, first); i < end; i++)
                    if (wanted.Contains(i - first))
                        onStep(i - first, logits.AsSpan((i - start) * vocab, vocab));
            start = end;
        }
    }
}
