using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;

namespace TensorCash.Tests.Runtime;

/// <summary>Bad requests fail with a readable exception and leave the sequence untouched.</summary>
public class TransformerErrorTests
{
    private static readonly TestModelSpec Spec = new() { Layers = 1, MaxSeq = 16, Seed = 31 };
    private ModelWeights _weights = null!;
    private Transformer _model = null!;

    [SetUp]
    public void SetUp()
    {
        _weights = TestModels.Build(Spec);
        _model = Transformer.Create(_weights, 2);
    }

    [TearDown]
    public void TearDown()
    {
        _model.Dispose();
        _weights.Dispose();
    }

    [Test]
    public void TokenOutsideTheVocabularyIsRejected()
    {
        using Sequence seq = _model.NewSequence();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _model.Forward([new ForwardRequest(seq, new[] { 1, Spec.Vocab }, LogitsMode.Last, new float[Spec.Vocab])]));
        Assert.That(e!.Message, Does.Contain("index 1").And.Contain($"[0, {Spec.Vocab})"));
        Assert.That(seq.Length, Is.Zero);
    }

    [Test]
    public void ExceedingTheCapacityIsRejected()
    {
        using Sequence seq = _model.NewSequence(4);
        _model.Forward([new ForwardRequest(seq, new[] { 1, 2, 3 }, LogitsMode.None, default)]);
        var e = Assert.Throws<ArgumentException>(() => _model.Forward([new ForwardRequest(seq, new[] { 4, 5 }, LogitsMode.None, default)]));
        Assert.That(e!.Message, Does.Contain("3 cached + 2 new tokens exceed the sequence capacity of 4"));
        Assert.That(seq.Length, Is.EqualTo(3));
        Assert.That(() => _model.NewSequence(Spec.MaxSeq + 1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void UndersizedLogitsBufferIsRejected()
    {
        using Sequence seq = _model.NewSequence();
        Assert.That(() => _model.Forward([new ForwardRequest(seq, new[] { 1, 2 }, LogitsMode.All, new float[Spec.Vocab])]),
            Throws.ArgumentException.With.Message.Contains($"needs {2 * Spec.Vocab}"));
    }

    [Test]
    public void RowsOutsideTheTokensOrOutOfOrderAreRejected()
    {
        using Sequence seq = _model.NewSequence();
        var logits = new float[2 * Spec.Vocab];
        Assert.That(() => _model.Forward([new ForwardRequest(seq, new[] { 1, 2, 3 }, LogitsMode.Rows, logits, default, new[] { 0, 3 })]),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Rows[1] is outside the request's 3 new tokens"));
        Assert.That(() => _model.Forward([new ForwardRequest(seq, new[] { 1, 2, 3 }, LogitsMode.Rows, logits, default, new[] { 2, 1 })]),
            Throws.ArgumentException.With.Message.Contains("strictly ascending"));
        Assert.That(() => _model.Forward([new ForwardRequest(seq, new[] { 1, 2, 3 }, LogitsMode.Rows, new float[Spec.Vocab], default, new[] { 0, 2 })]),
            Throws.ArgumentException.With.Message.Contains($"needs {2 * Spec.Vocab}"));
        Assert.That(seq.Length, Is.Zero);
    }

    [Test]
    public void SequenceTwiceInOneBatchOrFromAnotherModelIsRejected()
    {
        using Sequence seq = _model.NewSequence();
        var request = new ForwardRequest(seq, new[] { 1 }, LogitsMode.None, default);
        Assert.That(() => _model.Forward([request, request]), Throws.ArgumentException.With.Message.Contains("more than one request"));
        using Transformer other = Transformer.Create(_weights, 1);
        Assert.That(() => other.Forward([request]), Throws.ArgumentException.With.Message.Contains("different Transformer"));
    }

    [Test]
    public void TruncatePastTheEndAndUseAfterDisposeAreRejected()
    {
        Sequence seq = _model.NewSequence();
        _model.Forward([new ForwardRequest(seq, new[] { 1, 2 }, LogitsMode.None, default)]);
        Assert.That(() => seq.Truncate(3), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("0..2"));
        seq.Dispose();
        Assert.That(() => seq.Length, Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => _model.Forward([new ForwardRequest(seq, new[] { 1 }, LogitsMode.None, default)]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void NativeSideNamesTheMalformedTensor()
    {
        var layers = _weights.Layers.ToList();
        layers[0] = layers[0] with { Wk = layers[0].Wq };  // wrong shape: n_heads*head_dim rows instead of n_kv_heads*head_dim
        using var broken = new ModelWeights(_weights.Config, _weights.TokenEmbedding, _weights.OutputNorm, _weights.Output, layers, "test:broken", [], []);
        var e = Assert.Throws<ArgumentException>(() => Transformer.Create(broken, 1));
        Assert.That(e!.Message, Does.Contain("layer 0 wk: expected shape [32, 64], got [64, 64]"));
        Assert.That(e.InnerException, Is.TypeOf<NativeException>());
    }

    [Test]
    public void ShortTensorViewIsCaughtBeforeTheNativeSideReadsIt()
    {
        TensorView emb = _weights.TokenEmbedding with { ByteLength = 10 };
        using var broken = new ModelWeights(_weights.Config, emb, _weights.OutputNorm, _weights.Output, _weights.Layers, "test:short", [], []);
        Assert.That(() => Transformer.Create(broken, 1), Throws.ArgumentException.With.Message.Contains("tensor 'token_embd'").And.Message.Contains("needs"));
    }

    [Test]
    public void KvCacheBeyondTheModelMaximumIsANativeError()
    {
        // Bypasses the managed checks to prove the native layer defends itself too.
        var model = typeof(Transformer).GetField("_model", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(_model) as NativeModel;
        var e = Assert.Throws<NativeException>(() => NativeKvCache.Create(model!, Spec.MaxSeq + 1));
        Assert.That(e!.Message, Does.Contain("tc_kv_create").And.Contain("capacity_tokens must be in 1..16"));
    }

    /// <summary>RoPE angles (max_seq_len - 1) * inv_freq must stay in the backend sin/cos's range |x| <= 2^20
    /// (proof-of-inference.md §4.2): theta 0.5 gives inv_freq up to 2^(1 - 2/16), too large for 2^20 positions.</summary>
    [Test]
    public void RopeAnglesBeyondTheBackendSinCosRangeAreRejected()
    {
        using var ok = TestModels.Build(Spec with { MaxSeq = 1 << 19, RopeTheta = 0.5 });
        using (Transformer.Create(ok, 1)) { }
        using var weights = TestModels.Build(Spec with { MaxSeq = 1 << 20, RopeTheta = 0.5 });
        var e = Assert.Catch(() => Transformer.Create(weights, 1).Dispose());
        Assert.That(e!.Message, Does.Contain("rope_inv_freq").And.Contain("2^20"));
    }
}
