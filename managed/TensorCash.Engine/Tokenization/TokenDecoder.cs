using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The tokenizer.json "decoder": turns the token strings of a sequence back into text. Decoders work on a list of
/// strings and hand the list to the next one, which is what lets ByteFallback join byte tokens before Fuse.
/// </summary>
internal abstract class TokenDecoder
{
    public abstract List<string> DecodeChain(List<string> tokens);

    public static TokenDecoder? FromJson(TokenizerJson? json)
    {
        if (json is not { } j) return null;
        string type = j.TypeName;
        return type switch
        {
            "Sequence" => new SequenceDecoder(j.Required("decoders").Items().Select(d => FromJson(d)!).ToArray()),
            "Replace" => new ReplaceDecoder(SplitPattern.FromJson(j.Required("pattern")), j.Required("content").AsString()),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => StripDecoder.FromJson(j),
            "ByteLevel" => new ByteLevelDecoder(),
            "Metaspace" => new MetaspaceDecoder(MetaspaceSettings.FromJson(j)),
            _ => throw j.Error($"unsupported decoder type '{type}' (supported: Sequence, Replace, ByteFallback, Fuse, Strip, ByteLevel, Metaspace)"),
        };
    }

    private sealed class SequenceDecoder(TokenDecoder[] parts) : TokenDecoder
    {
        public override List<string> DecodeChain(List<string> tokens)
        {
            foreach (var p in parts) tokens = p.DecodeChain(tokens);
            return tokens;
        }
    }

    private sealed class ReplaceDecoder(SplitPattern pattern, string content) : TokenDecoder
    {
        public override List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(t => pattern.Replace(t, content));
    }

    // Runs of <0xNN> tokens become the text their bytes spell. A run that is not valid UTF-8 becomes one U+FFFD per
    // byte, as HF tokenizers does, so the character count still tells how many byte tokens were there.
    private sealed class ByteFallbackDecoder : TokenDecoder
    {
        private static readonly UTF8Encoding StrictUtf8 = new(false, true);

        public override List<string> DecodeChain(List<string> tokens)
        {
            var result = new List<string>(tokens.Count);
            var bytes = new List<byte>();
            foreach (var t in tokens)
            {
                if (TryParseByteToken(t, out byte b))
                {
                    bytes.Add(b);
                    continue;
                }
                FlushBytes(bytes, result);
                result.Add(t);
            }
            FlushBytes(bytes, result);
            return result;
        }

        private static void FlushBytes(List<byte> bytes, List<string> result)
        {
            if (bytes.Count == 0) return;
            try
            {
                result.Add(StrictUtf8.GetString(bytes.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                for (int i = 0; i < bytes.Count; i++) result.Add("\uFFFD");
            }
            bytes.Clear();
        }

        private static bool TryParseByteToken(string t, out byte b)
        {
            b = 0;
            return t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out b);
        }
    }

    private sealed class FuseDecoder : TokenDecoder
    {
        public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
    }

    private sealed class StripDecoder(char content, int start, int stop) : TokenDecoder
    {
        public static StripDecoder FromJson(TokenizerJson json)
        {
            var contentJson = json.Required("content");
            string content = contentJson.AsString();
            if (content.Length != 1) throw contentJson.Error($"Strip content must be one character, found \"{content}\"");
            return new StripDecoder(content[0], json.Required("start").AsInt(), json.Required("stop").AsInt());
        }

        public override List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(t =>
        {
            int from = 0;
            while (from < start && from < t.Length && t[from] == content) from++;
            int to = t.Length;
            while (t.Length - to < stop && to > from && t[to - 1] == content) to--;
            return t[from..to];
        });
    }

    // Token strings are byte-alphabet characters; a token with any other character (an added token such as
    // "<think>" is fine, one with "é" is not) is taken as its own UTF-8 text, as HF tokenizers does.
    private sealed class ByteLevelDecoder : TokenDecoder
    {
        public override List<string> DecodeChain(List<string> tokens)
        {
            var bytes = new List<byte>();
            foreach (var t in tokens)
            {
                int mark = bytes.Count;
                bool allMapped = true;
                foreach (char c in t)
                {
                    if (!ByteLevelAlphabet.TryDecode(c, out byte b)) { allMapped = false; break; }
                    bytes.Add(b);
                }
                if (allMapped) continue;
                bytes.RemoveRange(mark, bytes.Count - mark);
                bytes.AddRange(Encoding.UTF8.GetBytes(t));
            }
            return [Encoding.UTF8.GetString(bytes.ToArray())];
        }
    }

    private sealed class MetaspaceDecoder(MetaspaceSettings settings) : TokenDecoder
    {
        public override List<string> DecodeChain(List<string> tokens)
        {
            var result = new List<string>(tokens.Count);
            for (int i = 0; i < tokens.Count; i++)
            {
                string t = tokens[i].Replace(settings.Replacement, ' ');
                if (i == 0 && settings.Scheme != PrependScheme.Never && t.StartsWith(' ')) t = t[1..];
                result.Add(t);
            }
            return result;
        }
    }
}
