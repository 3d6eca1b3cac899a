using TensorCash.Proof.Transcript;

namespace TensorCash.FuzzTargets;

/// <summary>A proof-of-inference transcript ("TSCP"): TranscriptCodec.Decode, then the round trip through Encode.</summary>
public static class TranscriptTarget
{
    public static FuzzTarget Create() => new("transcript", "TranscriptCodec.Decode", Probe, typeof(TranscriptFormatException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        var transcript = TranscriptCodec.Decode(input);
        RoundTrip.Expect(input, TranscriptCodec.Encode(transcript), "transcript");
    }
}
