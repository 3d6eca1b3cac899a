namespace TensorCash.Proof;

/// <summary>
/// The set of tokens the repetition penalty applies to: the distinct ids among the last N context tokens
/// (prompt and generated). A token repeated many times is penalised once, as in HF and llama.cpp.
/// </summary>
public static class RepetitionWindow
{
    public static IReadOnlySet<int> PenalizedTokens(ReadOnlySpan<int> context, uint lastN)
    {
        var start = lastN == 0 || lastN >= context.Length ? 0 : context.Length - (int)lastN;
        var set = new HashSet<int>();
        foreach (var token in context[start..]) set.Add(token);
        return set;
    }
}
