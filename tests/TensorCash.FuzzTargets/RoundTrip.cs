namespace TensorCash.FuzzTargets;

/// <summary>
/// Our encodings are canonical (one byte string per value): an input a decoder accepts must re-encode to exactly the
/// same bytes, or two encodings of one object exist (malleability) or the encoder loses a field.
/// </summary>
public static class RoundTrip
{
    public static void Expect(ReadOnlySpan<byte> accepted, ReadOnlySpan<byte> reencoded, string what)
    {
        if (accepted.SequenceEqual(reencoded)) return;
        int at = 0;
        while (at < accepted.Length && at < reencoded.Length && accepted[at] == reencoded[at]) at++;
        throw new FuzzInvariantException($"{what}: an accepted {accepted.Length}-byte encoding re-encodes to {reencoded.Length} bytes, first difference at offset {at}");
    }
}
