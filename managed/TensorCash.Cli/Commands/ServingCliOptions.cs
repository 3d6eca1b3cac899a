using System.CommandLine;
using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli.Commands;

/// <summary>What `tensorcash serve` and `tensorcash node --serve` share: the port and API-key options, the chat template, the start line.</summary>
internal static class ServingCliOptions
{
    public static Option<int> Port(string name, string description)
    {
        var port = new Option<int>(name) { Description = description, DefaultValueFactory = _ => 8000, HelpName = "PORT" };
        port.Validators.Add(result =>
        {
            if (CommonOptions.TryGetValue(result, out int value) && value is < 0 or > 65535) result.AddError($"{name} must be in 0..65535 (got {value})");
        });
        return port;
    }

    public static Option<string> Host(string name, string description)
    {
        var host = new Option<string>(name) { Description = description, DefaultValueFactory = _ => "127.0.0.1", HelpName = "ADDRESS" };
        host.Validators.Add(result =>
        {
            if (CommonOptions.TryGetValue(result, out string? value) && value != "localhost" && !System.Net.IPAddress.TryParse(value ?? "", out _))
                result.AddError($"{name} must be an IP address or localhost (got '{value}')");
        });
        return host;
    }

    public static Option<string[]> ApiKeys() => new("--api-key")
    {
        Description = "Require 'Authorization: Bearer KEY' on every request; repeat for several keys, each a client of its own for fair scheduling.",
        HelpName = "KEY",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The model's chat template, or null (with a note) when it has none: chat then uses the plain 'role: content' format.</summary>
    public static ChatTemplate? ChatTemplateOrPlain(string spec, ITokenizer tokenizer, CliConsole console)
    {
        try
        {
            return ModelResolver.LoadChatTemplate(spec, tokenizer);
        }
        catch (UsageException)
        {
            console.Progress("the model has no chat template: /v1/chat/completions renders messages as plain 'role: content' lines (docs/serving.md)");
            return null;
        }
    }

    public static string Url(string host, int port) => $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{port}/v1";
}
