using System.CommandLine;
using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli;

/// <summary>
/// The streams a command writes to, and the one place that turns exceptions into an exit code and a
/// single "tensorcash CMD: error: ..." line, so no command can leak a stack trace.
/// </summary>
public sealed partial class CliConsole(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    public void Error(Command command, string message) =>
        Err.WriteLine($"{CommandPath(command)}: error: {OneLine(message)}");

    /// <summary>Progress and notes for humans; stderr so stdout stays machine-readable.</summary>
    public void Progress(string message) => Err.WriteLine(message);

    /// <summary>Wraps a command body: maps exceptions to exit codes and one error line.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, int> body) => (parsed, cancellation) =>
    {
        var command = parsed.CommandResult.Command;
        try
        {
            return Task.FromResult(body(parsed, cancellation));
        }
        catch (UsageException ex)
        {
            Error(command, ex.Message);
            return Task.FromResult(ExitCodes.Usage);
        }
        catch (OperationCanceledException)
        {
            Error(command, "cancelled");
            return Task.FromResult(ExitCodes.Failure);
        }
        catch (Exception ex) when (ex is ModelFormatException or TokenizerFormatException or ChatTemplateException or IOException or UnauthorizedAccessException or ArgumentException
                                       or InvalidOperationException or NotSupportedException or OutOfMemoryException)
        {
            Error(command, ex.Message);
            return Task.FromResult(ExitCodes.Failure);
        }
        catch (Exception ex)
        {
            Error(command, $"unexpected {ex.GetType().Name}: {ex.Message}");
            return Task.FromResult(ExitCodes.Failure);
        }
        finally
        {
            Out.Flush();
        }
    };

    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
            names.Insert(0, c is RootCommand ? "tensorcash" : c.Name);
        return string.Join(' ', names);
    }

    private static string OneLine(string message) => WhitespaceRun().Replace(message, " ").Trim();

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex WhitespaceRun();
}
