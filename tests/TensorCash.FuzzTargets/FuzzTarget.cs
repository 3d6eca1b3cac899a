namespace TensorCash.FuzzTargets;

/// <summary>Feeds one input to a parser (and whatever checks its result); returns normally when the input is accepted.</summary>
public delegate void ParserProbe(ReadOnlySpan<byte> input);

/// <summary>
/// One parser under fuzzing: a probe plus the exception types the parser documents as its way of refusing bad input.
/// <see cref="Run"/> swallows exactly those; anything else (IndexOutOfRange, NullReference, Overflow, OutOfMemory,
/// InvalidCast, an ArgumentException leaking from the BCL, a broken round trip) escapes, and the fuzzer or the corpus
/// replay reports it as a finding.
/// </summary>
public sealed class FuzzTarget(string name, string parser, ParserProbe probe, params Type[] rejections)
{
    /// <summary>The name the driver and the corpus folder use (tests/TensorCash.Tests/fixtures/fuzz-corpus/NAME).</summary>
    public string Name { get; } = name;
    /// <summary>What is parsed, for reports.</summary>
    public string Parser { get; } = parser;
    public IReadOnlyList<Type> Rejections { get; } = rejections;

    public bool IsRejection(Exception e) => Rejections.Any(t => t.IsInstanceOfType(e));

    /// <summary>True when the parser accepts the input, false when it refuses it with a documented rejection.</summary>
    public bool Run(ReadOnlySpan<byte> input) => Run(input, out _);

    /// <summary>As <see cref="Run(ReadOnlySpan{byte})"/>, handing back the rejection (for triage).</summary>
    public bool Run(ReadOnlySpan<byte> input, out Exception? rejection)
    {
        rejection = null;
        try
        {
            probe(input);
            return true;
        }
        catch (Exception e) when (IsRejection(e))
        {
            rejection = e;
            return false;
        }
    }
}
