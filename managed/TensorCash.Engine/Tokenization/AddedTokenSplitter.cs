namespace TensorCash.Engine.Tokenization;

/// <summary>
/// Finds added tokens in text, leftmost first and longest at a position (so "&lt;|im_start|&gt;" wins over a
/// shorter token that is its prefix), and cuts the text into plain pieces and token matches.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public AddedToken? Token;
    }

    private readonly Node _root = new();
    private readonly bool _isEmpty;

    /// <summary>A piece of the input: plain text (Token is null) or one added token.</summary>
    public readonly record struct Piece(string Text, int Start, AddedToken? Token);

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _isEmpty = true;
        foreach (var token in tokens)
        {
            var node = _root;
            foreach (char c in token.Content)
            {
                node.Children ??= new Dictionary<char, Node>();
                if (!node.Children.TryGetValue(c, out var child)) node.Children[c] = child = new Node();
                node = child;
            }
            node.Token = token;
            _isEmpty = false;
        }
    }

    public List<Piece> Split(string text, int baseOffset = 0)
    {
        var pieces = new List<Piece>();
        if (_isEmpty)
        {
            if (text.Length > 0) pieces.Add(new Piece(text, baseOffset, null));
            return pieces;
        }
        int plainStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (!TryMatchAt(text, i, out var token, out int end))
            {
                i++;
                continue;
            }
            int start = i;
            if (token!.LStrip) while (start > plainStart && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > plainStart) pieces.Add(new Piece(text[plainStart..start], baseOffset + plainStart, null));
            pieces.Add(new Piece(token.Content, baseOffset + start, token));
            plainStart = i = end;
        }
        if (plainStart < text.Length) pieces.Add(new Piece(text[plainStart..], baseOffset + plainStart, null));
        return pieces;
    }

    private bool TryMatchAt(string text, int pos, out AddedToken? token, out int end)
    {
        token = null;
        end = pos;
        var node = _root;
        for (int j = pos; j < text.Length; j++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[j], out var child)) break;
            node = child;
            if (node.Token is { } t && (!t.SingleWord || IsWordBoundary(text, pos, j + 1)))
            {
                token = t;
                end = j + 1;
            }
        }
        return token is not null;
    }

    private static bool IsWordBoundary(string text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
