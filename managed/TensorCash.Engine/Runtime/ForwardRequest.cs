namespace TensorCash.Engine.Runtime;

public enum LogitsMode
{
    /// <summary>Only fill the cache (e.g. a prompt chunk whose logits nobody needs).</summary>
    None = 0,
    /// <summary>Logits of the last new position: Logits has VocabSize floats.</summary>
    Last = 1,
    /// <summary>Logits of every new position: Logits has Tokens.Length * VocabSize floats.</summary>
    All = 2,
    /// <summary>Logits of the new positions listed in Rows (indices into Tokens, strictly ascending): Logits has Rows.Length * VocabSize floats.</summary>
    Rows = 3,
}

/// <summary>
/// One sequence's share of a batched forward pass. Hidden, if non-empty, follows the same row rule with ModelDim floats
/// per row. Rows is read in <see cref="LogitsMode.Rows"/> only.
/// </summary>
public readonly record struct ForwardRequest(Sequence Sequence, ReadOnlyMemory<int> Tokens, LogitsMode Mode, Memory<float> Logits, Memory<float> Hidden = default, ReadOnlyMemory<int> Rows = default);
