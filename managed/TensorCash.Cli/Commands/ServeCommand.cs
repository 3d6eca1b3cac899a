using System.CommandLine;
using TensorCash.Serving;

namespace TensorCash.Cli.Commands;

/// <summary>`tensorcash serve`: the OpenAI-compatible HTTP server (see docs/serving.md) until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var host = ServingCliOptions.Host("--host", "Address to listen on; 0.0.0.0 exposes the server to the network.");
        var port = ServingCliOptions.Port("--port", "TCP port; 0 picks a free one (printed at start).");
        var apiKey = ServingCliOptions.ApiKeys();
        var threads = CommonOptions.Threads();
        var command = new Command("serve", "Serve the model over an OpenAI-compatible HTTP API (/v1/models, /v1/completions, /v1/chat/completions, /metrics) until Ctrl+C.")
        {
            model, host, port, apiKey, threads,
        };
        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            string spec = parsed.GetRequiredValue(model);
            using var session = ModelSession.Open(spec, parsed.GetValue(threads), TokenizerUse.Required, console);
            var template = ServingCliOptions.ChatTemplateOrPlain(spec, session.Tokenizer!, console);
            var served = new ServedModel(spec, session.Transformer, session.Tokenizer!, template);
            var options = new ServingOptions { Host = parsed.GetValue(host)!, Port = parsed.GetValue(port), ApiKeys = parsed.GetValue(apiKey) ?? [] };
            Run(served, options, console, cancellation).GetAwaiter().GetResult();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task Run(ServedModel served, ServingOptions options, CliConsole console, CancellationToken cancellation)
    {
        await using var server = await ServingHost.StartAsync(served, options, cancellation: cancellation);
        console.Progress($"serving {served.Id} on {ServingCliOptions.Url(options.Host, server.Port)} (Ctrl+C stops){(options.ApiKeys.Count == 0 ? "" : ", API key required")}");
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
