using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Proving;

/// <summary>The capture path on builtin:tiny: what the prover writes, tier 1 accepts, and honest variants give identical bytes.</summary>
[Category("Runtime")]
public class CaptureTests
{
    private static readonly int[] Prompt = [BuiltinTiny.Bos, 72, 101, 108, 108, 111];

    private static readonly ChainBinding Binding = new(Enumerable.Repeat((byte)0x5A, 32).ToArray(), new byte[32], 3);

    // Not the pinned builtin:tiny profile on purpose: temperature 0.8, top-k 40, top-p 0.95 and a repetition penalty
    // of 1.1 over the last 24 tokens exercise every sampler stage the capture path must reproduce.
    private static ProofProfile Profile(int window = 16, int evidence = 40) =>
        new(new DecodeParameters(52429, 40, 4080218931, 72090, 24), evidence, window, PrecisionTag.F32, BuiltinModels.TinyVocabSize, 4, 1024);

    private static ProveRequest Request(int window = 16, int attempts = 1) => new(Prompt, Profile(window), Binding, attempts);

    private static byte[] ProveBytes(int threads, int prefillChunk = 0)
    {
        using var tiny = new BuiltinTiny(threads);
        var identity = ModelIdentity.Compute(tiny.Weights);
        return TranscriptCodec.Encode(new ProofGenerator(tiny.Transformer, identity, prefillChunk).Prove(Request()).Transcript);
    }

    [Test]
    public void ProvedTranscriptPassesTier1WithTheProversCandidate()
    {
        using var tiny = new BuiltinTiny();
        var identity = ModelIdentity.Compute(tiny.Weights);
        var result = new ProofGenerator(tiny.Transformer, identity).Prove(Request());
        Assert.That(result.Transcript.Steps, Has.Count.EqualTo(16));
        Assert.That(result.Stats.GeneratedTokens, Is.EqualTo(16));

        var options = new Tier1Options([new KnownModel(identity.Id, identity.VocabSize, Profile())])
        {
            Expected = new ExpectedBinding(Binding, PrecisionTag.F32),
            Claim = new ClaimedWindow(result.Window.ProofCommitment, result.Window.Nonce),
        };
        var verdict = Tier1Verifier.Verify(TranscriptCodec.Encode(result.Transcript), options);
        Assert.That(verdict.Rejections, Is.Empty);
        Assert.That(verdict.Window!.ProofCommitment, Is.EqualTo(result.Window.ProofCommitment));
        Assert.That(verdict.Window.PathDigest, Is.EqualTo(result.Window.PathDigest));
    }

    [Test]
    public void TokensAreTheDrawsAndEvidenceIsTheTopKOfTheLogits()
    {
        using var tiny = new BuiltinTiny();
        var identity = ModelIdentity.Compute(tiny.Weights);
        var transcript = new ProofGenerator(tiny.Transformer, identity).Prove(Request()).Transcript;
        var h = transcript.Header;

        // Teacher-forced logits of prompt ‖ salt ‖ generated tokens: position p predicts token p + 1.
        int[] modelPrompt = ProofSalt.ModelPrompt(h);
        Assert.That(modelPrompt, Has.Length.EqualTo(Prompt.Length + 4));
        var tokens = modelPrompt.Concat(transcript.Steps.Select(s => s.Token)).ToArray();
        var vocab = tiny.Vocab;
        var logits = new float[(long)tokens.Length * vocab];
        using (var sequence = tiny.Transformer.NewSequence(tokens.Length))
            tiny.Transformer.Forward([new ForwardRequest(sequence, tokens, LogitsMode.All, logits)]);

        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Profile);
        Assert.That(session.Salt, Is.EqualTo(modelPrompt[Prompt.Length..]));
        var sketch = new LogitSketch(vocab);
        for (int t = 0; t < transcript.Steps.Count; t++)
        {
            var row = logits.AsSpan((modelPrompt.Length - 1 + t) * vocab, vocab);
            var (ids, values) = TopK.Select(row, h.EvidenceCount);
            var expected = ids.Zip(values, (id, v) => new LogitCandidate(id, BitConverter.SingleToUInt32Bits(v))).OrderBy(c => c.TokenId);
            Assert.That(transcript.Steps[t].Evidence.Candidates, Is.EqualTo(expected), $"step {t} evidence");
            Assert.That(transcript.Steps[t].Statistics.SketchBits, Is.EqualTo(LogitStatistics.Compute(row, transcript.Steps[t].Token, sketch).SketchBits));
            var step = session.Step(transcript.Steps[t].Evidence, StatisticsEncoding.ToBytes(transcript.Steps[t].Statistics));
            Assert.That(transcript.Steps[t].Token, Is.EqualTo(step.Sampled.TokenId), $"step {t} token is its draw");
        }
    }

    [Test]
    public void ThreadCountsGiveIdenticalTranscriptBytes() => Assert.That(ProveBytes(threads: 1), Is.EqualTo(ProveBytes(threads: 2)));

    [Test]
    public void PrefillChunkSizeGivesIdenticalTranscriptBytes() => Assert.That(ProveBytes(threads: 2, prefillChunk: 2), Is.EqualTo(ProveBytes(threads: 2)));

    [Test]
    public void BatchingWithAnotherSequenceGivesIdenticalTranscriptBytes()
    {
        using var tiny = new BuiltinTiny();
        var identity = ModelIdentity.Compute(tiny.Weights);
        var prover = new ProofGenerator(tiny.Transformer, identity);
        var alone = TranscriptCodec.Encode(prover.Prove(Request()).Transcript);

        var sampler = prover.CreateSampler(Prompt, Profile(), Binding);
        var neighbour = new GenerationRequest(new[] { BuiltinTiny.Bos, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new StandardSampler(new SamplingOptions { Seed = 9 }), 11);
        var results = new Generator(tiny.Transformer).GenerateBatch([neighbour, ProofGenerator.ToGenerationRequest(sampler, Profile())]);
        Assert.That(results[1].Tokens, Is.EqualTo(sampler.ToTranscript().Steps.Select(s => s.Token)));
        Assert.That(TranscriptCodec.Encode(sampler.ToTranscript()), Is.EqualTo(alone));
    }

    [Test]
    public void EndOfSequenceDoesNotStopAProofRun()
    {
        // Three refused attempts of 5 tokens: every attempt is a full window whatever it generates (EOS included),
        // and each continues the text so far, salts included.
        using var tiny = new BuiltinTiny();
        var prover = new ProofGenerator(tiny.Transformer, ModelIdentity.Compute(tiny.Weights));
        var run = prover.ProveUntil(Request(window: 5, attempts: 3), _ => false);
        Assert.That(run.Winner, Is.Null);
        Assert.That(run.Attempts, Is.EqualTo(3));
        Assert.That(run.Generated, Has.Length.EqualTo(15));
        Assert.That(run.Context, Has.Length.EqualTo(3 * (4 + 5)));
    }

    [Test]
    public void EveryAttemptOfAContinuedRunIsTheProofOfItsOwnPrompt()
    {
        // ProveUntil keeps one KV cache across attempts and feeds only each new salt and window; with a prompt cap of 30
        // the text outgrows the cap after two attempts and the cache restarts from the last 15 tokens. Either way each
        // attempt must be, bit for bit, the single-window proof of the prompt it declares.
        using var tiny = new BuiltinTiny();
        var prover = new ProofGenerator(tiny.Transformer, ModelIdentity.Compute(tiny.Weights));
        var profile = new ProofProfile(new DecodeParameters(52429, 40, 4080218931, 72090, 24), 40, 5, PrecisionTag.F32, BuiltinModels.TinyVocabSize, 4, 30);
        int seen = 0;
        var run = prover.ProveUntil(new ProveRequest(Prompt, profile, Binding, 6), _ => ++seen == 6);
        Assert.That(run.Attempts, Is.EqualTo(6));

        var prompt = Prompt;
        ProveResult alone = null!;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            alone = prover.Prove(new ProveRequest(prompt, profile, Binding));
            var tokens = alone.Transcript.Steps.Select(s => s.Token).ToArray();
            Assert.That(run.Generated.Skip(5 * attempt).Take(5), Is.EqualTo(tokens), $"attempt {attempt + 1}");
            int[] next = [.. ProofSalt.ModelPrompt(alone.Transcript.Header), .. tokens];
            prompt = next.Length <= 30 ? next : next[^15..];
        }
        Assert.That(TranscriptCodec.Encode(run.Winner!.Transcript), Is.EqualTo(TranscriptCodec.Encode(alone.Transcript)));
        Assert.That(run.Winner.Window.ProofCommitment, Is.EqualTo(alone.Window.ProofCommitment));
    }

    [Test]
    public void ModelIdIsStableAndChangesWithTheWeights()
    {
        using var a = new BuiltinTiny();
        using var b = new BuiltinTiny();
        using var bf16 = RandomModelFactory.CreateWeights(BuiltinModels.TinySpec, TensorDType.BF16, BuiltinModels.TinyName);
        using var reseeded = RandomModelFactory.CreateWeights(BuiltinModels.TinySpec with { Seed = 1 }, TensorDType.F32, BuiltinModels.TinyName);
        var id = ModelIdentity.Compute(a.Weights).Hex;
        Assert.That(ModelIdentity.Compute(b.Weights).Hex, Is.EqualTo(id));
        Assert.That(ModelIdentity.Compute(bf16).Hex, Is.Not.EqualTo(id));
        Assert.That(ModelIdentity.Compute(reseeded).Hex, Is.Not.EqualTo(id));
    }

    [Test]
    public void TranscriptOfAnotherModelIsUnknownToTheVerifier()
    {
        using var tiny = new BuiltinTiny();
        var transcript = new ProofGenerator(tiny.Transformer, ModelIdentity.Compute(tiny.Weights)).Prove(Request()).Transcript;
        using var other = RandomModelFactory.CreateWeights(BuiltinModels.TinySpec with { Seed = 1 }, TensorDType.F32);
        var verdict = Tier1Verifier.Verify(transcript, new Tier1Options([ModelIdentity.Compute(other).ToKnownModel()]));
        Assert.That(verdict.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.UnknownModel }));
    }

    [Test]
    public void EvidenceBelowTopKIsRefusedBeforeGenerating() =>
        Assert.That(() => Profile(evidence: 39), Throws.TypeOf<ProofInputException>().With.Message.Contains("below top-k 40"));

    [Test]
    public void PromptSaltAndWindowBeyondTheModelContextAreRefusedBeforeGenerating()
    {
        using var tiny = new BuiltinTiny();
        var prover = new ProofGenerator(tiny.Transformer, ModelIdentity.Compute(tiny.Weights));
        var tooLong = new ProveRequest(Enumerable.Repeat(65, 1020).ToArray(),
            new ProofProfile(Profile().Decode, 40, 1025, PrecisionTag.F32, BuiltinModels.TinyVocabSize, 4, 1024), Binding);
        Assert.That(() => prover.Prove(tooLong), Throws.TypeOf<ProofInputException>().With.Message.Contains("exceed the model's context of 2048"));
    }
}
