using System.CommandLine;
using System.Text;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash tokenize`: prints the ids of a text as the model's tokenizer produces them, one "id -> 'piece'" line per
/// token like llama.cpp's llama-tokenize, or a "[id, id, ...]" list with --ids-only. Only the tokenizer is loaded.
/// </summary>
public static class TokenizeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var text = new Argument<string>("TEXT") { Description = "The text to tokenize." };
        var idsOnly = new Option<bool>("--ids-only") { Description = "Print only the ids, as [id, id, ...] (llama-tokenize --ids)." };
        var noBos = new Option<bool>("--no-bos") { Description = "Do not add the special tokens (BOS) the tokenizer adds by default." };
        var noParseSpecial = new Option<bool>("--no-parse-special")
        {
            Description = "GGUF tokenizers: treat control-token text such as <|im_start|> as plain text (llama.cpp parse_special = false).",
        };
        var count = new Option<bool>("--show-count") { Description = "Finish with 'Total number of tokens: N'." };

        var command = new Command("tokenize", "Print the token ids (and pieces) of a text under the model's tokenizer; with a GGUF model, its embedded tokenizer run as llama.cpp runs it.")
        {
            model, text, idsOnly, noBos, noParseSpecial, count,
        };
        command.SetAction(console.Guard((parsed, _) =>
        {
            string spec = parsed.GetRequiredValue(model);
            ModelResolver.EnsureExists(spec);
            var tokenizer = ModelResolver.LoadTokenizer(spec);
            string input = parsed.GetRequiredValue(text);
            bool addSpecial = !parsed.GetValue(noBos);
            int[] ids;
            if (tokenizer is GgufTokenizer gguf) ids = gguf.Tokenize(input, addSpecial, parseSpecial: !parsed.GetValue(noParseSpecial));
            else if (parsed.GetValue(noParseSpecial))
                throw new UsageException("--no-parse-special applies to GGUF tokenizers only (a tokenizer.json always splits its added tokens)");
            else ids = tokenizer.Encode(input, addSpecial);

            var output = console.Out;
            if (parsed.GetValue(idsOnly)) output.WriteLine("[" + string.Join(", ", ids) + "]");
            else
                foreach (int id in ids) output.WriteLine($"{id,6} -> '{Piece(tokenizer, id)}'");
            if (parsed.GetValue(count)) output.WriteLine($"Total number of tokens: {ids.Length}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The token's text; a piece that is not whole UTF-8 (one byte of a character) is shown as hex bytes, &lt;e6 97&gt;.</summary>
    private static string Piece(ITokenizer tokenizer, int id)
    {
        byte[] bytes = tokenizer is GgufTokenizer gguf ? gguf.TokenPiece(id) : Encoding.UTF8.GetBytes(tokenizer.Decode([id]));
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "<" + string.Join(' ', bytes.Select(b => b.ToString("x2"))) + ">";
        }
    }
}
