using TensorCash.Engine.Generation;

namespace TensorCash.Proving.Watermark;

/// <summary>
/// Embeds the watermark as a logit bias (Kirchenbauer et al. 2023, "soft" watermark): δ is added to the raw logit of
/// every token on the green list of the previous token (the last context token, so step 0 keys on the prompt's last
/// token), then the wrapped sampler runs its usual chain (penalty, temperature, top-k/top-p, draw) on the biased
/// logits. The model is untouched; only the decode changes, which is why a watermarked transcript is not a
/// plain-model transcript (docs/protocol/met-watermark.md). Not thread-safe: one instance per sequence.
/// </summary>
public sealed class WatermarkSampler : ITokenSampler
{
    private readonly ITokenSampler _inner;
    private readonly GreenList _greenList;
    private readonly float _delta;
    private float[] _biased = [];

    public WatermarkSampler(ITokenSampler inner, GreenList greenList, double delta)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(greenList);
        if (!(delta >= 0) || double.IsInfinity(delta)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be a finite number >= 0");
        _inner = inner;
        _greenList = greenList;
        _delta = (float)delta;
    }

    public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
    {
        if (logits.Length != _greenList.VocabSize)
            throw new ArgumentException($"logits have {logits.Length} entries but the green list was built for a vocabulary of {_greenList.VocabSize}");
        if (context.IsEmpty) throw new ArgumentException("the watermark keys on the previous token; the context is empty");
        if (_biased.Length < logits.Length) _biased = new float[logits.Length];
        var biased = _biased.AsSpan(0, logits.Length);
        WatermarkBias.Apply(logits, _greenList.Mask(context[^1]), _delta, biased);
        return _inner.Sample(step, biased, context);
    }
}

/// <summary>The bias itself, shared by the sampler and the distortion measurement.</summary>
public static class WatermarkBias
{
    public static void Apply(ReadOnlySpan<float> logits, ReadOnlySpan<bool> green, float delta, Span<float> output)
    {
        for (int i = 0; i < logits.Length; i++) output[i] = green[i] ? logits[i] + delta : logits[i];
    }
}
