using TensorCash.Engine.Runtime;

namespace TensorCash.Proving.Replay;

/// <summary>
/// One teacher-forced prefill over prompt ‖ y_0..y_{n-2}: step t's logits are those of context position
/// prompt.Length − 1 + t. Fed in the calls of a <see cref="ReplayPlan"/> (the engine's logits do not depend on how the
/// context is split), so the LM head runs for the checked steps and few others, and memory is at most
/// ChunkSize × VocabSize floats.
/// </summary>
internal static class TeacherForcedReplay
{
    public delegate void StepLogits(int step, ReadOnlySpan<float> logits);

    /// <summary>Context to feed so that every step up to <paramref name="lastStep"/> has logits; inputs already validated.</summary>
    public static int[] Context(IReadOnlyList<int> prompt, IReadOnlyList<int> generated, int lastStep) =>
        prompt.Concat(generated.Take(lastStep)).ToArray();

    /// <param name="steps">Steps to produce logits for, strictly ascending; the context ends at the last one.</param>
    public static void Run(Transformer transformer, int[] context, int promptLength, IReadOnlyList<int> steps, int chunkSize, StepLogits onStep)
    {
        int vocab = transformer.Config.VocabSize;
        int first = promptLength - 1; // context index whose logits are step 0's
        var rows = steps.Select(s => first + s).ToArray();
        var calls = ReplayPlan.Build(context.Length, rows, chunkSize);
        int bufferRows = calls.Max(c => c.Mode switch { LogitsMode.All => c.Length, LogitsMode.Last => 1, _ => 0 });
        var logits = new float[bufferRows * vocab];
        int next = 0; // index into rows of the next step to report
        using Sequence sequence = transformer.NewSequence(context.Length);
        foreach (var call in calls)
        {
            transformer.Forward([new ForwardRequest(sequence, context.AsMemory(call.Start, call.Length), call.Mode,
                call.Mode == LogitsMode.None ? Memory<float>.Empty : logits)]);
            for (; next < rows.Length && rows[next] < call.End; next++)
            {
                int offset = call.Mode == LogitsMode.All ? rows[next] - call.Start : 0;
                onStep(rows[next] - first, logits.AsSpan(offset * vocab, vocab));
            }
        }
    }
}
