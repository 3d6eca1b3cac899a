using NUnit.Framework;
using System.Text;
using System.Text.Json;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Tokenization;
using TensorCash.Serving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Serving;

/// <summary>/v1/completions, SSE framing, stop strings, errors, privacy, API key and metrics, over raw HTTP.</summary>
[Category("Runtime")]
public sealed class CompletionsEndpointTests
{
    private TinyServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await TinyServer.Start();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private static object Completion(string prompt, int maxTokens, int seed, object? extra = null) =>
        new { model = "builtin:tiny", prompt, max_tokens = maxTokens, temperature = 0.7, top_p = 0.9, seed };

    [Test]
    public async Task A_completion_equals_the_engine_generator_run_alone()
    {
        var (status, body) = await _server.Post("v1/completions", Completion("The quick brown fox", 16, 42));
        Assert.That(status, Is.EqualTo(200), body.ToString());
        Assert.That(body.GetProperty("object").GetString(), Is.EqualTo("text_completion"));
        using var tiny = new BuiltinTiny();
        var tokenizer = new ByteTokenizer();
        var sampling = new SamplingOptions { Temperature = 0.7f, TopP = 0.9f, TopK = 0, RepetitionPenalty = 1, Seed = 42 };
        var expected = new Generator(tiny.Transformer).Generate(new GenerationRequest(tokenizer.Encode("The quick brown fox"), new StandardSampler(sampling), 16,
            new HashSet<int> { BuiltinTiny.Eos }));
        Assert.That(TinyServer.TokenIds(body), Is.EqualTo(expected.Tokens));
        Assert.That(body.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo(expected.FinishReason == FinishReason.StopToken ? "stop" : "length"));
        Assert.That(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(expected.Tokens.Length));
        Assert.That(body.GetProperty("choices")[0].GetProperty("text").GetString(), Is.EqualTo(tokenizer.Decode(expected.Tokens, skipSpecialTokens: true)));
    }

    [Test]
    public async Task Streaming_completion_chunks_concatenate_to_the_whole_answer_and_end_with_done()
    {
        var (_, whole) = await _server.Post("v1/completions", Completion("stream", 24, 9));
        var events = await _server.PostStream("v1/completions",
            new { model = "builtin:tiny", prompt = "stream", max_tokens = 24, temperature = 0.7, top_p = 0.9, seed = 9, stream = true, stream_options = new { include_usage = true } });
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        string text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.That(text, Is.EqualTo(whole.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.That(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(24), "the usage chunk comes last");
        Assert.That(chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("length"));
    }

    [Test]
    public async Task A_stop_string_ends_the_text_before_it_with_finish_reason_stop()
    {
        var (_, free) = await _server.Post("v1/completions", Completion("abc", 40, 3));
        string full = free.GetProperty("choices")[0].GetProperty("text").GetString()!;
        string stop = full.Substring(10, 2); // occurs in the unconstrained output, so the same sampling must stop there
        var (status, body) = await _server.Post("v1/completions",
            new { model = "builtin:tiny", prompt = "abc", max_tokens = 40, temperature = 0.7, top_p = 0.9, seed = 3, stop = new[] { stop } });
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body.GetProperty("choices")[0].GetProperty("text").GetString(), Is.EqualTo(full[..full.IndexOf(stop, StringComparison.Ordinal)]));
        Assert.That(body.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
    }

    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":\"x\",\"top_p\":0}", 400, "top_p")]
    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":\"x\",\"max_tokens\":0}", 400, "max_tokens")]
    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":\"x\",\"max_tokens\":5000}", 400, "max_tokens")]
    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":\"x\",\"n\":2}", 400, "n")]
    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 400, "stop")]
    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":[1,2,99999]}", 400, "prompt")]
    [TestCase("{\"model\":\"builtin:tiny\"}", 400, "prompt")]
    [TestCase("{\"prompt\":\"x\"}", 400, "model")]
    [TestCase("{\"model\":\"other\",\"prompt\":\"x\"}", 404, "model")]
    [TestCase("{\"model\":\"builtin:tiny\",\"prompt\":\"x\",\"tensorcash\":{\"proof_bearing\":\"yes\"}}", 400, "tensorcash.proof_bearing")]
    [TestCase("[1,2]", 400, null)]
    [TestCase("{not json", 400, null)]
    public async Task Bad_requests_get_openai_error_shapes(string json, int status, string? param)
    {
        using var response = await _server.Http.PostAsync("v1/completions", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.That(error.GetProperty("message").GetString(), Is.Not.Empty);
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
        if (param is null) Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
        else Assert.That(error.GetProperty("param").GetString(), Is.EqualTo(param));
        Assert.That(error.TryGetProperty("code", out _), Is.True);
    }

    [Test]
    public async Task Models_lists_the_served_model_and_unknown_paths_are_404()
    {
        var models = JsonDocument.Parse(await _server.Http.GetStringAsync("v1/models")).RootElement;
        Assert.That(models.GetProperty("data")[0].GetProperty("id").GetString(), Is.EqualTo("builtin:tiny"));
        using var missing = await _server.Http.GetAsync("v1/nothing");
        Assert.That((int)missing.StatusCode, Is.EqualTo(404));
    }

    /// <summary>Appendix D: only requests that opt in reach the proof-bearing queue; their receipt is the transcript hash.</summary>
    [Test]
    public async Task Private_prompts_never_reach_the_proof_bearing_queue()
    {
        while (_server.Host.ProofQueue.TryTake() is not null) { }
        var work = Enumerable.Range(0, 8).Select(i => _server.Post("v1/completions", new
        {
            model = "builtin:tiny", prompt = (i % 2 == 0 ? "PRIVATE secret " : "public ") + i, max_tokens = 4, seed = i,
            tensorcash = i % 2 == 0 ? null : new { proof_bearing = true },
        })).ToArray();
        await Task.WhenAll(work);
        var candidates = new List<ProofCandidate>();
        while (_server.Host.ProofQueue.TryTake() is { } taken) candidates.Add(taken);
        Assert.That(candidates, Has.Count.EqualTo(4));
        var tokenizer = new ByteTokenizer();
        foreach (var c in candidates) Assert.That(tokenizer.Decode(c.PromptTokens, skipSpecialTokens: true), Does.StartWith("public "));
        for (int i = 0; i < 8; i++)
        {
            var ext = work[i].Result.Body.GetProperty("tensorcash");
            Assert.That(ext.GetProperty("proof_bearing").GetBoolean(), Is.EqualTo(i % 2 == 1));
            if (i % 2 == 0) { Assert.That(ext.GetProperty("receipt").ValueKind, Is.EqualTo(JsonValueKind.Null)); continue; }
            string receipt = ext.GetProperty("receipt").GetProperty("transcript_sha256").GetString()!;
            var match = candidates.Single(c => c.TranscriptSha256 == receipt);
            Assert.That(match.OutputTokens, Is.EqualTo(TinyServer.TokenIds(work[i].Result.Body)));
            Assert.That(ProofBearingQueue.TranscriptHash(match.Model, match.PromptTokens, match.OutputTokens, match.Sampling), Is.EqualTo(receipt));
            var (status, lookup) = await _server.Get($"v1/receipts/{receipt.ToUpperInvariant()}");
            Assert.That(status, Is.EqualTo(200), "hex digits in either case");
            Assert.That(lookup.GetProperty("status").GetString(), Is.EqualTo("mining"), "taken by the (test's) miner, no block yet");
            Assert.That(lookup.GetProperty("blocks").GetArrayLength(), Is.Zero);
        }
    }

    [TestCase("abc", 400, "invalid_request_error", null)]
    [TestCase("zz00000000000000000000000000000000000000000000000000000000000000", 400, "invalid_request_error", null)]
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000", 404, "invalid_request_error", "receipt_not_found")]
    public async Task A_receipt_that_is_malformed_or_unknown_is_an_error(string hash, int status, string type, string? code)
    {
        var (got, body) = await _server.Get($"v1/receipts/{hash}");
        Assert.That(got, Is.EqualTo(status));
        var error = body.GetProperty("error");
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo(type));
        Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("hash"));
        if (code is not null) Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
    }

    [Test]
    public async Task A_proof_bearing_receipt_is_queued_until_a_miner_takes_it()
    {
        var (status, body) = await _server.Post("v1/completions", new { model = "builtin:tiny", prompt = "queued receipt", max_tokens = 2, seed = 77, tensorcash = new { proof_bearing = true } });
        Assert.That(status, Is.EqualTo(200), body.ToString());
        string receipt = body.GetProperty("tensorcash").GetProperty("receipt").GetProperty("transcript_sha256").GetString()!;
        var (found, lookup) = await _server.Get($"v1/receipts/{receipt}");
        Assert.That(found, Is.EqualTo(200));
        Assert.That(lookup.GetProperty("transcript_sha256").GetString(), Is.EqualTo(receipt));
        Assert.That(lookup.GetProperty("status").GetString(), Is.EqualTo("queued"), "plain serve has no miner");
    }

    [Test]
    public async Task A_client_that_disconnects_mid_stream_leaves_the_batch()
    {
        var cancelled = _server.Host.Metrics.Requests.WithLabels("499");
        double before = cancelled.Value;
        double tokensBefore = _server.Host.Metrics.GeneratedTokens.Value;
        string json = JsonSerializer.Serialize(new { model = "builtin:tiny", prompt = "long", max_tokens = 2000, temperature = 0, stream = true });
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync("127.0.0.1", _server.Host.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(
                $"POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}"));
            var buffer = new byte[4096];
            string received = "";
            while (!received.Contains("data: ")) received += Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer));
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with a reset, as a killed client does
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (cancelled.Value == before && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.That(cancelled.Value, Is.EqualTo(before + 1), "the server noticed the disconnect");
        // The 499 is counted when the endpoint sees the reset; the batch step already running may still finish one
        // more token for the departed sequence. Let that step end, then the sequence must be gone from the batch.
        double generated = _server.Host.Metrics.GeneratedTokens.Value;
        for (int i = 0; i < 20; i++)
        {
            await Task.Delay(100);
            double now = _server.Host.Metrics.GeneratedTokens.Value;
            if (now == generated) break;
            generated = now;
        }
        await Task.Delay(500);
        Assert.That(_server.Host.Metrics.GeneratedTokens.Value, Is.EqualTo(generated), "no tokens are generated for the departed client");
        Assert.That(generated - tokensBefore, Is.LessThan(2000), "the request was cut short, not run to max_tokens");
    }

    [Test]
    public async Task Metrics_expose_tokens_queue_batch_and_time_to_first_token()
    {
        await _server.Post("v1/completions", Completion("m", 2, 1));
        string text = await _server.Http.GetStringAsync("metrics");
        foreach (var name in new[] { "tensorcash_generated_tokens_total", "tensorcash_queue_depth", "tensorcash_batch_size_bucket", "tensorcash_time_to_first_token_seconds_bucket" })
            Assert.That(text, Does.Contain(name));
    }

    [Test]
    public async Task An_api_key_is_required_when_configured()
    {
        await using var keyed = await TinyServer.Start("s3cret", "other");
        var (ok, _) = await keyed.Post("v1/completions", Completion("k", 1, 1));
        Assert.That(ok, Is.EqualTo(200));
        Assert.That((await keyed.Post("v1/completions", Completion("k", 1, 1), apiKey: "other")).Status, Is.EqualTo(200), "any of the keys");
        Assert.That((await keyed.Post("v1/completions", Completion("k", 1, 1), apiKey: "s3cre")).Status, Is.EqualTo(401), "a prefix of a key is no key");
        using var anonymous = new HttpClient { BaseAddress = keyed.Http.BaseAddress };
        using var response = await anonymous.GetAsync("v1/models");
        Assert.That((int)response.StatusCode, Is.EqualTo(401));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid_api_key"));
    }
}
