using System.Text;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Engine.Tokenization;
using TensorCash.Node.Hosting;
using TensorCash.Proof.Transcript;
using TensorCash.Serving;
using TensorCash.Tests.Node.Hosting;
using TensorCash.Tests.Serving;

namespace TensorCash.Tests.Node.Serving;

/// <summary>
/// `node --serve` in process: a regtest node serving builtin:tiny on 127.0.0.1:0 while it mines. The miner's privacy
/// policy (Appendix D) is checked on what the node stores: private prompts appear in no block's proof transcript
/// (nor anywhere in the datadir), proof-bearing prompts do, and their receipts resolve to the block.
/// </summary>
[Category("Runtime")]
public sealed class NodeServingTests
{
    private static readonly ByteTokenizer Tokenizer = new();

    private static async Task<(TestNode Node, TinyServer Http)> Start()
    {
        var node = TestNode.Open();
        try
        {
            var serving = await node.Host.StartServingAsync(Tokenizer, null, new ServingOptions { Host = "127.0.0.1", Port = 0 }, threads: 1);
            return (node, TinyServer.Attach(serving.Server));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static object Request(string prompt, bool proofBearing, int seed) => new
    {
        model = "builtin:tiny", prompt, max_tokens = 8, temperature = 0.8, seed,
        tensorcash = proofBearing ? new { proof_bearing = true } : null,
    };

    /// <summary>Every block's decoded transcript: its hash, and the prompt tokens and window tokens it stores.</summary>
    private static List<(string Hash, int[] Prompt, int[] Window)> StoredTranscripts(NodeHost host)
    {
        var stored = new List<(string, int[], int[])>();
        for (int height = 1; height <= host.Chain.Tip.Height; height++)
        {
            var hash = host.Chain.GetBlockHash(height)!.Value;
            var transcript = TranscriptCodec.Decode(host.Chain.GetBlock(hash)!.Proof);
            stored.Add((hash.ToString(), transcript.Header.Prompt, transcript.Steps.Select(s => s.Token).ToArray()));
        }
        return stored;
    }

    private static bool Contains(int[] haystack, int[] needle) =>
        Enumerable.Range(0, Math.Max(0, haystack.Length - needle.Length + 1)).Any(i => haystack.AsSpan(i, needle.Length).SequenceEqual(needle));

    [Test]
    public async Task Private_prompts_never_reach_a_block_and_proof_bearing_receipts_resolve_to_theirs()
    {
        var (node, http) = await Start();
        await using var _ = node;
        await using var __ = http;
        string secret = $"PRIVATE-{Guid.NewGuid():N}";
        string[] publics = Enumerable.Range(0, 3).Select(i => $"PUBLIC-{i}-{Guid.NewGuid():N}").ToArray();

        // Both kinds of requests in flight while the node mines blocks.
        var mining = Task.Run(() => node.Host.Generate(3, MaturedChain.OpTrue));
        var privates = Enumerable.Range(0, 6).Select(i => http.Post("v1/completions", Request($"{secret} {i}", false, i))).ToArray();
        var proofBearing = publics.Select((p, i) => http.Post("v1/completions", Request(p, true, 100 + i))).ToArray();
        await Task.WhenAll(privates.Concat(proofBearing));
        await mining;

        foreach (var task in privates)
        {
            Assert.That(task.Result.Status, Is.EqualTo(200), task.Result.Body.ToString());
            var extension = task.Result.Body.GetProperty("tensorcash");
            Assert.That(extension.GetProperty("proof_bearing").GetBoolean(), Is.False);
            Assert.That(extension.GetProperty("receipt").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }
        var receipts = proofBearing.Select(t =>
        {
            Assert.That(t.Result.Status, Is.EqualTo(200), t.Result.Body.ToString());
            return t.Result.Body.GetProperty("tensorcash").GetProperty("receipt").GetProperty("transcript_sha256").GetString()!;
        }).ToArray();

        // The miner takes one proof-bearing prompt per block: mine until every receipt is done (or give up).
        for (int i = 0; i < 10 && receipts.Any(r => node.Host.Serving!.Receipts.Find(r)!.Status != ReceiptStatus.Done); i++)
            node.Host.Generate(1, MaturedChain.OpTrue);

        var stored = StoredTranscripts(node.Host);
        Assert.That(stored, Has.Count.GreaterThanOrEqualTo(3));
        for (int i = 0; i < 6; i++)
        {
            int[] tokens = Tokenizer.Encode($"{secret} {i}", addSpecialTokens: false);
            Assert.That(stored.Where(s => Contains(s.Prompt, tokens) || Contains(s.Window, tokens)).Select(s => s.Hash), Is.Empty, $"private prompt {i} is in a transcript");
        }
        int[] secretTokens = Tokenizer.Encode(secret, addSpecialTokens: false);
        Assert.That(stored.Where(s => Contains(s.Prompt, secretTokens) || Contains(s.Window, secretTokens)), Is.Empty);
        byte[] secretBytes = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.EnumerateFiles(node.DataDirectory, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".lock", StringComparison.Ordinal)) continue; // empty, held exclusively by the open wallet
            byte[] content;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                content = copy.ToArray();
            }
            Assert.That(content.AsSpan().IndexOf(secretBytes), Is.EqualTo(-1), $"the private prompt is stored in {file}");
        }

        for (int i = 0; i < publics.Length; i++)
        {
            var (status, receipt) = await http.Get($"v1/receipts/{receipts[i]}");
            Assert.That(status, Is.EqualTo(200), receipt.ToString());
            Assert.That(receipt.GetProperty("status").GetString(), Is.EqualTo("done"), receipt.ToString());
            var blocks = receipt.GetProperty("blocks").EnumerateArray().ToList();
            Assert.That(blocks, Has.Count.EqualTo(1), $"public prompt {i}: one mining attempt, won on regtest: {receipt}");
            string blockHash = blocks[0].GetProperty("hash").GetString()!;
            Assert.That(blocks[0].GetProperty("in_active_chain").GetBoolean(), Is.True);
            Assert.That(node.Host.Chain.GetBlockHash(blocks[0].GetProperty("height").GetInt32())!.Value.ToString(), Is.EqualTo(blockHash));
            var transcript = stored.Single(s => s.Hash == blockHash);
            Assert.That(Contains(transcript.Prompt, Tokenizer.Encode(publics[i], addSpecialTokens: true)), Is.True,
                $"public prompt {i} (BOS and its bytes) is in the transcript of block {blockHash}");
            Assert.That(stored.Count(s => Contains(s.Prompt, Tokenizer.Encode(publics[i], addSpecialTokens: false))), Is.EqualTo(1),
                $"public prompt {i} is in exactly the block its receipt names");
        }
    }

    [Test]
    public async Task A_receipt_names_no_block_until_the_miner_takes_its_prompt()
    {
        var (node, http) = await Start();
        await using var _ = node;
        await using var __ = http;
        var (status, body) = await http.Post("v1/completions", Request("PUBLIC-wait", true, 1));
        Assert.That(status, Is.EqualTo(200));
        string hash = body.GetProperty("tensorcash").GetProperty("receipt").GetProperty("transcript_sha256").GetString()!;
        var (_, queued) = await http.Get($"v1/receipts/{hash}");
        Assert.That(queued.GetProperty("status").GetString(), Is.EqualTo("queued"));
        Assert.That(queued.GetProperty("blocks").GetArrayLength(), Is.Zero);

        var mined = node.Host.Generate(1, MaturedChain.OpTrue);
        Assert.That(mined[0].JobId, Is.EqualTo(hash), "the waiting proof-bearing prompt replaces the idle job at once");
        var (_, done) = await http.Get($"v1/receipts/{hash}");
        Assert.That(done.GetProperty("status").GetString(), Is.EqualTo("done"));
        Assert.That(done.GetProperty("blocks")[0].GetProperty("hash").GetString(), Is.EqualTo(mined[0].Hash.ToString()));
        Assert.That(File.ReadAllText(Path.Combine(node.DataDirectory, NodeHost.ServePortFileName)), Is.EqualTo(http.Host.Port.ToString()));
    }
}
