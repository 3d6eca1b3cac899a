using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Generation;

/// <summary>The generation loop on the real runtime with the builtin model.</summary>
[Category("Runtime")]
public class GeneratorTests
{
    private BuiltinTiny _model = null!;

    [OneTimeSetUp]
    public void Load() => _model = new BuiltinTiny();

    [OneTimeTearDown]
    public void Unload() => _model?.Dispose();

    private static readonly int[] Prompt = [BuiltinTiny.Bos, 72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100];

    /// <summary>Records every call and delegates the choice, so tests see exactly what the loop passed in.</summary>
    private sealed class RecordingSampler(ITokenSampler inner) : ITokenSampler
    {
        public List<(int Step, float[] Logits, int[] Context)> Calls { get; } = [];

        public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
        {
            Calls.Add((step, logits.ToArray(), context.ToArray()));
            return inner.Sample(step, logits, context);
        }
    }

    private sealed class FixedSampler(params int[] script) : ITokenSampler
    {
        public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context) => script[step];
    }

    private static StandardSampler Greedy() => new(SamplingOptions.Greedy);

    /// <summary>The obvious loop written directly against Transformer.Forward, one token at a time.</summary>
    private int[] ReferenceGreedy(int[] prompt, int count)
    {
        using var sequence = _model.Transformer.NewSequence(prompt.Length + count);
        var logits = new float[_model.Vocab];
        var output = new List<int>();
        _model.Transformer.Forward([new ForwardRequest(sequence, prompt, LogitsMode.Last, logits)]);
        while (true)
        {
            output.Add(StandardSampler.Argmax(logits));
            if (output.Count == count) return output.ToArray();
            _model.Transformer.Forward([new ForwardRequest(sequence, new[] { output[^1] }, LogitsMode.Last, logits)]);
        }
    }

    [Test]
    public void GreedyGenerationMatchesAHandWrittenForwardLoop()
    {
        var result = new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt, Greedy(), 12));
        Assert.That(result.Tokens, Is.EqualTo(ReferenceGreedy(Prompt, 12)));
        Assert.That(result.FinishReason, Is.EqualTo(FinishReason.MaxTokens));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(5)]
    public void ChunkedPrefillGivesTheSameLogitsAndTokens(int chunk)
    {
        var whole = new RecordingSampler(Greedy());
        var chunked = new RecordingSampler(Greedy());
        var a = new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt, whole, 6));
        var b = new Generator(_model.Transformer, chunk).Generate(new GenerationRequest(Prompt, chunked, 6));
        Assert.That(b.Tokens, Is.EqualTo(a.Tokens));
        Assert.That(chunked.Calls[0].Logits, Is.EqualTo(whole.Calls[0].Logits), "bitwise-equal first-token logits");
    }

    [Test]
    public void TheSamplerSeesEachStepTheFullVocabularyAndTheGrowingContext()
    {
        var sampler = new RecordingSampler(Greedy());
        var result = new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt, sampler, 5));
        Assert.That(sampler.Calls.Select(c => c.Step), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        for (int i = 0; i < 5; i++)
        {
            Assert.That(sampler.Calls[i].Logits, Has.Length.EqualTo(_model.Vocab));
            Assert.That(sampler.Calls[i].Context, Is.EqualTo(Prompt.Concat(result.Tokens.Take(i)).ToArray()));
        }
    }

    [Test]
    public void StopsRightAfterAStopTokenAndKeepsIt()
    {
        var stops = new HashSet<int> { BuiltinTiny.Eos };
        var result = new Generator(_model.Transformer).Generate(
            new GenerationRequest(Prompt, new FixedSampler(65, 66, BuiltinTiny.Eos, 67), 10, stops));
        Assert.That(result.Tokens, Is.EqualTo(new[] { 65, 66, BuiltinTiny.Eos }));
        Assert.That(result.FinishReason, Is.EqualTo(FinishReason.StopToken));
    }

    [Test]
    public void StreamsEachTokenAsItIsSampledAndReportsCountsAndTimes()
    {
        var streamed = new List<int>();
        var result = new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt, Greedy(), 8), streamed.Add);
        Assert.That(streamed, Is.EqualTo(result.Tokens));
        Assert.That(result.Stats.PromptTokens, Is.EqualTo(Prompt.Length));
        Assert.That(result.Stats.GeneratedTokens, Is.EqualTo(8));
        Assert.That(result.Stats.DecodeTokens, Is.EqualTo(7));
        Assert.That(result.Stats.PrefillSeconds, Is.GreaterThan(0));
        Assert.That(result.Stats.DecodeSeconds, Is.GreaterThan(0));
        Assert.That(result.Stats.DecodeTokensPerSecond, Is.GreaterThan(0));
    }

    [TestCase(0)]
    [TestCase(4)]
    public void BatchedGenerationMatchesSeparateRuns(int prefillChunk)
    {
        int[][] prompts = [Prompt, [BuiltinTiny.Bos, 84, 104, 101], [BuiltinTiny.Bos, 49, 50, 51, 52, 53, 54, 55, 56, 57]];
        int[] limits = [7, 3, 5];
        var generator = new Generator(_model.Transformer, prefillChunk);
        var separate = prompts.Select((p, i) => generator.Generate(new GenerationRequest(p, Greedy(), limits[i])).Tokens).ToArray();

        var results = generator.GenerateBatch(prompts.Select((p, i) => new GenerationRequest(p, Greedy(), limits[i])).ToArray());

        for (int i = 0; i < prompts.Length; i++) Assert.That(results[i].Tokens, Is.EqualTo(separate[i]), $"request {i}");
    }

    [Test]
    public void BatchedGenerationAdvancesLiveSequencesInLockstep()
    {
        int[][] prompts = [Prompt, [BuiltinTiny.Bos, 84, 104, 101], [BuiltinTiny.Bos, 49, 50]];
        int[] limits = [7, 3, 5];
        var order = new List<int>();
        new Generator(_model.Transformer).GenerateBatch(
            prompts.Select((p, i) => new GenerationRequest(p, Greedy(), limits[i])).ToArray(), (index, _) => order.Add(index));
        // One forward per step: each live sequence gets one token per step; finished ones drop out.
        Assert.That(order, Is.EqualTo(new[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 2, 0, 2, 0, 0 }));
    }

    [Test]
    public void SeededSamplingReproducesAndDifferentSeedsDiverge()
    {
        int[] Run(ulong seed) => new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt,
            new StandardSampler(new SamplingOptions { Temperature = 1.5f, TopK = 0, TopP = 1, RepetitionPenalty = 1, Seed = seed }), 24)).Tokens;
        Assert.That(Run(5), Is.EqualTo(Run(5)));
        Assert.That(Run(5), Is.Not.EqualTo(Run(6)));
    }

    [Test]
    public void CancellationStopsBetweenSteps()
    {
        using var cancel = new CancellationTokenSource();
        var result = new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt, Greedy(), 20),
            _ => cancel.Cancel(), cancel.Token);
        Assert.That(result.Tokens, Has.Length.EqualTo(1));
        Assert.That(result.FinishReason, Is.EqualTo(FinishReason.Cancelled));
    }

    [Test]
    public void BadRequestsAreRejectedWithTheReason()
    {
        var generator = new Generator(_model.Transformer);
        Assert.That(() => generator.Generate(new GenerationRequest(Array.Empty<int>(), Greedy(), 4)),
            Throws.ArgumentException.With.Message.Contains("no tokens"));
        Assert.That(() => generator.Generate(new GenerationRequest(new[] { 1, _model.Vocab }, Greedy(), 4)),
            Throws.ArgumentException.With.Message.Contains($"prompt token 1 is {_model.Vocab}"));
        Assert.That(() => generator.Generate(new GenerationRequest(Prompt, Greedy(), _model.Transformer.Config.MaxSequenceLength)),
            Throws.ArgumentException.With.Message.Contains("exceed the model's context"));
        Assert.That(() => generator.Generate(new GenerationRequest(Prompt, new FixedSampler(-1), 4)),
            Throws.InvalidOperationException.With.Message.Contains("returned token -1"));
    }

    [Test]
    public void ZeroMaxTokensGeneratesNothing()
    {
        var result = new Generator(_model.Transformer).Generate(new GenerationRequest(Prompt, new FixedSampler(), 0));
        Assert.That(result.Tokens, Is.Empty);
        Assert.That(result.FinishReason, Is.EqualTo(FinishReason.MaxTokens));
    }
}
