using System.CommandLine;
using TensorCash.Serving;

namespace TensorCash.Cli.Commands;

/// <summary>`tensorcash serve`: the OpenAI-compatible HTTP server (see docs/serving.md) until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var host = new Option<string>("--host") { Description = "Address to listen on; 0.0.0.0 exposes the server to the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port; 0 picks a free one (printed at start).", DefaultValueFactory = _ => 8000 };
        port.Validators.Add(result =>
        {
            if (CommonOptions.TryGetValue(result, out int value) && value is < 0 or > 65535) result.AddError($"--port must be in 0..65535 (got {value})");
        });
        var apiKey = new Option<string?>("--api-key") { Description = "Require 'Authorization: Bearer KEY' on every request.", HelpName = "KEY" };
        var threads = CommonOptions.Threads();
        var command = new Command("serve", "Serve the model over an OpenAI-compatible HTTP API (/v1/models, /v1/completions, /v1/chat/completions, /metrics) until Ctrl+C.")
        {
            model, host, port, apiKey, threads,
        };
        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            string spec = parsed.GetRequiredValue(model);
            using var session = ModelSession.Open(spec, parsed.GetValue(threads), TokenizerUse.Required, console);
            Engine.ChatTemplates.ChatTemplate? template = null;
            try
            {
                template = ModelResolver.LoadChatTemplate(spec, session.Tokenizer!);
            }
            catch (UsageException)
            {
                console.Progress("the model has no chat template: /v1/chat/completions renders messages as plain 'role: content' lines (docs/serving.md)");
            }
            var served = new ServedModel(spec, session.Transformer, session.Tokenizer!, template);
            var options = new ServingOptions { Host = parsed.GetValue(host)!, Port = parsed.GetValue(port), ApiKey = parsed.GetValue(apiKey) };
            Run(served, options, console, cancellation).GetAwaiter().GetResult();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task Run(ServedModel served, ServingOptions options, CliConsole console, CancellationToken cancellation)
    {
        await using var server = await ServingHost.StartAsync(served, options, cancellation);
        string shown = options.Host.Contains(':') ? $"[{options.Host}]" : options.Host;
        console.Progress($"serving {served.Id} on http://{shown}:{server.Port}/v1 (Ctrl+C stops){(options.ApiKey is null ? "" : ", API key required")}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
            console.Progress("stopping: finishing the requests in flight");
        }
    }
}
