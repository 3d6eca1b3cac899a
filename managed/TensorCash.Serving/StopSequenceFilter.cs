using System.Text;

namespace TensorCash.Serving;

/// <summary>
/// Applies OpenAI's "stop" strings to streamed text: the output ends just before the stop string that is complete
/// first in the text (generation would halt there), which is itself not returned. Text that could still turn out to be the start of a stop string is held
/// back until the next piece decides it, so a streaming client never sees part of a stop string.
/// </summary>
public sealed class StopSequenceFilter(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _pending = new();

    /// <summary>True once a stop string was found; nothing more is emitted.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns the part that is now certain to be output.</summary>
    public string Push(string piece)
    {
        if (Stopped) return "";
        _pending.Append(piece);
        if (stops.Count == 0) return Take(_pending.Length);
        string text = _pending.ToString();
        // The stop string that is complete first (smallest end; on a tie the longer one) ends the text, as when the
        // text is checked after every token, whatever the pieces were.
        int first = -1, end = -1;
        foreach (var stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at + stop.Length < end || (at + stop.Length == end && at < first))) (first, end) = (at, at + stop.Length);
        }
        if (first >= 0)
        {
            Stopped = true;
            return Take(first);
        }
        return Take(text.Length - HeldBack(text));
    }

    /// <summary>At the end of generation everything held back is output.</summary>
    public string Flush(string lastPiece)
    {
        string text = Push(lastPiece);
        return Stopped ? text : text + Take(_pending.Length);
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of a stop string.</summary>
    private int HeldBack(string text)
    {
        int longest = 0;
        foreach (var stop in stops)
            for (int k = Math.Min(stop.Length - 1, text.Length); k > longest; k--)
                if (text.AsSpan(text.Length - k).SequenceEqual(stop.AsSpan(0, k))) { longest = k; break; }
        return longest;
    }

    private string Take(int count)
    {
        string taken = _pending.ToString(0, count);
        _pending.Remove(0, count);
        if (Stopped) _pending.Clear(); // text after a stop string is never output
        return taken;
    }
}
