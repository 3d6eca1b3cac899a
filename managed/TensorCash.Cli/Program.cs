using System.CommandLine;
using System.CommandLine.Help;
using TensorCash.Cli.Commands;

namespace TensorCash.Cli;

/// <summary>
/// The `tensorcash` command. <see cref="Run"/> is the whole program with its streams passed in, so
/// tests drive it in-process. Exit codes: 0 success, 2 usage error (bad flags or input), 1 failure
/// while running. Errors are one line on stderr, never a stack trace.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var console = new CliConsole(stdout, stderr);
        var root = new RootCommand("TensorCash: verifiable LLM inference on the CPU. Run 'tensorcash COMMAND --help' for a command's options.");
        root.Add(GenerateCommand.Create(console));
        root.Add(LogitsCommand.Create(console));
        root.Add(TokenizeCommand.Create(console));
        root.Add(ModelCommand.Create(console));
        root.Add(BenchCommand.Create(console));
        root.Add(ProveCommand.Create(console));
        root.Add(VerifyCommand.Create(console));
        root.Add(NodeCommand.Create(console));
        root.Add(CliCommand.Create(console));
        root.Add(DemoCommand.Create(console));
        root.Add(VrfCommand.Create(console));
        root.Add(ReceiptCommand.Create(console));
        root.Add(VdfCommand.Create(console));
        root.Add(MetCommand.Create(console));
        root.Add(WatermarkCommand.Create(console));
        root.Add(ServeCommand.Create(console));

        ParseResult parsed;
        try
        {
            parsed = root.Parse(args);
        }
        catch (Exception ex) // the parser should report, not throw; this keeps a stack trace off the terminal if it ever does
        {
            console.Error(root, $"could not parse the command line: {ex.Message}");
            return ExitCodes.Usage;
        }
        // Help wins over parse errors so that `tensorcash generate --help` works with required options missing.
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            // A mistyped word explains the other errors ("required command missing"), so it is reported first.
            var error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'"))) ?? parsed.Errors[0];
            var command = parsed.CommandResult.Command;
            string message = FriendlyTypeNames(error.Message);
            string sentence = message.EndsWith('.') ? message : message + ".";
            console.Error(command, $"{sentence} Run '{CliConsole.CommandPath(command)} --help' for usage.");
            return ExitCodes.Usage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>The parser names .NET types ("as expected type 'System.Int32'"); users think in integers and numbers.</summary>
    private static string FriendlyTypeNames(string message) => message
        .Replace("as expected type 'System.Int32'", "as an integer")
        .Replace("as expected type 'System.UInt64'", "as a non-negative integer")
        .Replace("as expected type 'System.Single'", "as a number");
}
