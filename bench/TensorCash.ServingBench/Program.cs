using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Runtime;
using TensorCash.Engine.Tokenization;
using TensorCash.Serving;

// Serving benchmark: the same REQUESTS completions (distinct prompts and seeds, MAX_TOKENS tokens each) sent by
// 1 (one at a time), 4 and 16 concurrent clients to a fresh in-process `tensorcash serve` per run, all in one
// process over one transformer, so the figures are ratios measured side by side. Throughput counts generated tokens
// over wall time; time to first token is the server's own histogram (arrival to first sampled token, queueing
// included). Every run's token ids are compared with the one-at-a-time run: batching must not change them.
// Usage: TensorCash.ServingBench [MODEL] [THREADS] [REQUESTS] [MAX_TOKENS]

string spec = args.Length > 0 ? args[0] : "builtin:tiny";
int threads = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
int requests = args.Length > 2 ? int.Parse(args[2]) : 32;
int maxTokens = args.Length > 3 ? int.Parse(args[3]) : 48;

using var weights = ModelLoader.Load(spec);
using var transformer = Transformer.Create(weights, threads);
var model = new ServedModel(spec, transformer, new ByteTokenizer(), ChatTemplate: null);

// Warm-up (JIT, thread pool, sockets) so the first measured row is not charged for it.
await using (var warm = await ServingHost.StartAsync(model, new ServingOptions { Port = 0 }))
{
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{warm.Port}/") };
    await Task.WhenAll(Enumerable.Range(0, 4).Select(i => http.PostAsync("v1/completions",
        new StringContent(JsonSerializer.Serialize(new { model = spec, prompt = "warm", max_tokens = 8, seed = i }), Encoding.UTF8, "application/json"))));
}

int[][]? reference = null;
Console.WriteLine($"model {spec}, {threads} threads, {requests} requests x {maxTokens} tokens (a request ends early if it samples EOS)");
Console.WriteLine("| clients | wall s | generated tokens | tokens/s | vs 1 client | mean TTFT ms | mean batch | outputs equal to 1 client |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
double baseline = 0;
foreach (int clients in new[] { 1, 4, 16 })
{
    await using var server = await ServingHost.StartAsync(model, new ServingOptions { Port = 0 });
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/"), Timeout = TimeSpan.FromMinutes(10) };
    var outputs = new int[requests][];
    int next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests)
        {
            string body = JsonSerializer.Serialize(new { model = spec, prompt = $"Request number {i}: tell me something.", max_tokens = maxTokens, temperature = 0.8, seed = i });
            using var response = await http.PostAsync("v1/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            outputs[i] = json.GetProperty("tensorcash").GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        }
    }));
    double wall = clock.Elapsed.TotalSeconds;
    long tokens = outputs.Sum(o => (long)o.Length);
    double rate = tokens / wall;
    if (clients == 1) { baseline = rate; reference = outputs; }
    bool equal = outputs.Zip(reference!).All(p => p.First.SequenceEqual(p.Second));
    var ttft = server.Metrics.TimeToFirstToken;
    var batch = server.Metrics.BatchSize;
    Console.WriteLine($"| {clients} | {wall:F2} | {tokens} | {rate:F1} | {rate / baseline:F2}x | {1000 * ttft.Sum / ttft.Count:F1} | {batch.Sum / batch.Count:F1} | {(equal ? "yes" : "NO")} |");
}
