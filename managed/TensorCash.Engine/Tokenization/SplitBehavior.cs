namespace TensorCash.Engine.Tokenization;

/// <summary>What a split does with the delimiter it found (HF tokenizers' SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    /// <summary>Delimiters are dropped.</summary>
    Removed,
    /// <summary>Each delimiter is a word of its own.</summary>
    Isolated,
    /// <summary>A delimiter is glued to the end of the word before it.</summary>
    MergedWithPrevious,
    /// <summary>A delimiter is glued to the start of the word after it.</summary>
    MergedWithNext,
    /// <summary>A run of adjacent delimiters becomes one word.</summary>
    Contiguous,
}

/// <summary>Turns a piece cut into delimiter / non-delimiter segments into words, per <see cref="SplitBehavior"/>.</summary>
internal static class DelimiterSplitter
{
    public static void Apply(string piece, List<(int Start, int Length, bool IsDelimiter)> segments, SplitBehavior behavior, List<string> output)
    {
        switch (behavior)
        {
            case SplitBehavior.Removed:
                foreach (var s in segments) if (!s.IsDelimiter) output.Add(piece.Substring(s.Start, s.Length));
                break;
            case SplitBehavior.Isolated:
                foreach (var s in segments) output.Add(piece.Substring(s.Start, s.Length));
                break;
            case SplitBehavior.MergedWithPrevious:
            {
                bool previousIsOpenWord = false;
                foreach (var s in segments)
                {
                    string text = piece.Substring(s.Start, s.Length);
                    if (s.IsDelimiter && previousIsOpenWord) output[^1] += text;
                    else output.Add(text);
                    previousIsOpenWord = !s.IsDelimiter;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                string? pendingDelimiter = null;
                foreach (var s in segments)
                {
                    string text = piece.Substring(s.Start, s.Length);
                    if (pendingDelimiter is not null)
                    {
                        if (s.IsDelimiter) output.Add(pendingDelimiter);
                        else text = pendingDelimiter + text;
                        pendingDelimiter = null;
                    }
                    if (s.IsDelimiter) pendingDelimiter = text;
                    else output.Add(text);
                }
                if (pendingDelimiter is not null) output.Add(pendingDelimiter);
                break;
            }
            case SplitBehavior.Contiguous:
            {
                bool previousIsDelimiter = false;
                foreach (var s in segments)
                {
                    string text = piece.Substring(s.Start, s.Length);
                    if (s.IsDelimiter && previousIsDelimiter) output[^1] += text;
                    else output.Add(text);
                    previousIsDelimiter = s.IsDelimiter;
                }
                break;
            }
        }
    }
}
