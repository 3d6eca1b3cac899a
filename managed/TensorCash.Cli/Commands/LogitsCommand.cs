using System.CommandLine;
using System.Globalization;
using TensorCash.Engine.Runtime;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash logits`: raw fp32 logits of every position from one prefill pass, printed so that
/// parsing the text gives back the identical floats (shortest round-trip form), for bitwise checks.
/// </summary>
public static class LogitsCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var tokens = CommonOptions.Tokens("Input token ids, comma-separated.");
        tokens.Required = true;
        var threads = CommonOptions.Threads();

        var command = new Command("logits",
            "Print the raw fp32 logits of every position of one prefill pass as JSON: {\"vocab\":V,\"logits\":[[V floats] per token]}. " +
            "Floats are in shortest round-trip form (NaN/Infinity as strings), so a verifier can compare them bitwise.")
        {
            model, tokens, threads,
        };
        command.SetAction(console.Guard((parsed, _) =>
        {
            var ids = parsed.GetRequiredValue(tokens);
            using var session = ModelSession.Open(parsed.GetRequiredValue(model), parsed.GetValue(threads), withTokenizer: false, console);
            session.CheckTokens(ids);
            int vocab = session.Config.VocabSize;
            var logits = new float[(long)ids.Length * vocab];
            using (var sequence = session.Transformer.NewSequence(ids.Length))
                session.Transformer.Forward([new ForwardRequest(sequence, ids, LogitsMode.All, logits)]);
            Write(console.Out, vocab, ids.Length, logits);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Write(TextWriter output, int vocab, int positions, float[] logits)
    {
        output.Write("{\"vocab\":");
        output.Write(vocab.ToString(CultureInfo.InvariantCulture));
        output.Write(",\"logits\":[");
        Span<char> buffer = stackalloc char[32];
        for (int p = 0; p < positions; p++)
        {
            output.Write(p == 0 ? "[" : ",[");
            var row = logits.AsSpan(p * vocab, vocab);
            for (int i = 0; i < row.Length; i++)
            {
                if (i > 0) output.Write(',');
                output.Write(FormatFloat(row[i], buffer));
            }
            output.Write(']');
        }
        output.WriteLine("]}");
    }

    /// <summary>Shortest text that parses back to the same float; JSON has no NaN/Infinity literals, so those become strings.</summary>
    public static ReadOnlySpan<char> FormatFloat(float value, Span<char> buffer)
    {
        if (float.IsNaN(value)) return "\"NaN\"";
        if (float.IsPositiveInfinity(value)) return "\"Infinity\"";
        if (float.IsNegativeInfinity(value)) return "\"-Infinity\"";
        value.TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture);
        return buffer[..written];
    }
}
