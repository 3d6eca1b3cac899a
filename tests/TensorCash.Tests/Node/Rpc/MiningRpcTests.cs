using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Node.Rpc;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Tests.Node.Hosting;
using TensorCash.Tests.Node.Mining;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>getmininginfo, submitblock, getinferencetemplate, verifyblockproof and generatetoaddress.</summary>
public class MiningRpcTests
{
    private static readonly byte[] KeyHash = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
    private static readonly string Address = TensorCash.Chain.Crypto.Address.Encode(KeyHash, ChainParams.Regtest.Bech32Hrp);

    private static string Hex(Block block) => Convert.ToHexStringLower(block.Serialize());

    [Test]
    public async Task GenerateToAddressMinesPayingTheAddress()
    {
        await using var node = TestNode.Open();
        var hashes = node.Call("generatetoaddress", 2, Address)!.AsArray();
        Assert.That(hashes, Has.Count.EqualTo(2));
        Assert.That((string)hashes[1]!, Is.EqualTo(node.Host.Chain.Tip.Hash.ToString()));
        var block = node.Host.Chain.GetBlock(Hash256.Parse((string)hashes[0]!))!;
        Assert.That(block.Transactions[0].Outputs[0].ScriptPubKey, Is.EqualTo(ScriptTemplates.PayToPubKeyHash(KeyHash)));
        Assert.That(node.Call("generatetoaddress", 0, Address)!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task GenerateToAddressErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("generatetoaddress", 1, "tcrt1nonsense").Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("generatetoaddress", 1, TensorCash.Chain.Crypto.Address.Encode(KeyHash, "tc")).Message, Does.Contain("another network"));
        Assert.That(node.Fails("generatetoaddress", -1, Address).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("generatetoaddress", MiningRpcMethods.MaxGenerateBlocks + 1, Address).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("generatetoaddress", "two", Address).Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("generatetoaddress", 1).Code, Is.EqualTo(RpcErrorCode.InvalidParams));
    }

    [Test]
    public async Task GenerateToAddressIsForRegtestOnly()
    {
        await using var node = TestNode.Open(new NodeOptions { Network = Network.Testnet });
        string testnetAddress = TensorCash.Chain.Crypto.Address.Encode(KeyHash, ChainParams.Testnet.Bech32Hrp);
        var error = node.Fails("generatetoaddress", 1, testnetAddress);
        Assert.That(error.Code, Is.EqualTo(RpcErrorCode.MiscError));
        Assert.That(error.Message, Does.Contain("only on regtest"));
    }

    [Test]
    public async Task GenerateIsRefusedWhileTheBackgroundMinerHoldsTheModel()
    {
        await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, MineAddress = Address });
        node.Host.StartMining();
        var error = node.Fails("generatetoaddress", 1, Address);
        Assert.That(error.Code, Is.EqualTo(RpcErrorCode.MiscError));
        Assert.That(error.Message, Does.Contain("--mine"));
        Assert.That((bool)node.Call("getmininginfo")!["mining"]!, Is.True);
    }

    [Test]
    public async Task MiningInfoDescribesTheNextBlock()
    {
        await using var node = TestNode.Open();
        node.Call("generatetoaddress", 1, Address);
        var info = node.Call("getmininginfo")!;
        Assert.That((int)info["blocks"]!, Is.EqualTo(1));
        Assert.That((string)info["chain"]!, Is.EqualTo("regtest"));
        Assert.That((string)info["bits"]!, Is.EqualTo("207fffff"));
        Assert.That((string)info["adjbits"]!, Is.EqualTo(TargetCalculator.AdjustedBits(0x207fffff, ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId].Difficulty, ChainParams.Regtest).ToString("x8")));
        Assert.That((string)info["model"]!, Is.EqualTo("builtin:tiny"));
        Assert.That((bool)info["mining"]!, Is.False);
        Assert.That((int)info["blocksmined"]!, Is.EqualTo(1));
        Assert.That(info["difficulty"]!.ToJsonString(), Is.EqualTo("1.00000000"));
    }

    [Test]
    public async Task SubmitBlockAnswersLikeBitcoind()
    {
        await using var node = TestNode.Open();
        var model = node.Host.MiningModel;
        var genesis = ChainParams.Regtest.Genesis.Header;
        var block = RegtestMining.Mine(model, genesis, 1).Block!;

        var garbled = new Block(block.Header, block.VdfProof, block.Transactions, [1, 2, 3]);
        Assert.That((string?)node.Call("submitblock", Hex(garbled)), Is.EqualTo("bad-proof-encoding"));
        Assert.That(node.Call("submitblock", Hex(block)), Is.Null, "null: the block is the new tip");
        Assert.That(node.Host.Chain.Tip.Hash, Is.EqualTo(block.Header.Hash));
        Assert.That((string?)node.Call("submitblock", Hex(block)), Is.EqualTo("duplicate"));

        var rival = RegtestMining.Mine(model, genesis, 1, extraNonce: 5).Block!;
        Assert.That((string?)node.Call("submitblock", Hex(rival)), Is.EqualTo("inconclusive"), "equal work: stored on a side chain");

        var orphanParent = genesis with { Time = genesis.Time + 1 };
        var orphan = RegtestMining.Mine(model, orphanParent, 1).Block!;
        Assert.That((string?)node.Call("submitblock", Hex(orphan)), Is.EqualTo("prev-blk-not-found"));

        Assert.That(node.Fails("submitblock", "zz").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("submitblock", Hex(block)[..200]).Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("submitblock").Code, Is.EqualTo(RpcErrorCode.InvalidParams));
    }

    [Test]
    public async Task AnExternalMinerAssemblesAValidBlockFromTheTemplate()
    {
        await using var node = TestNode.Open();
        node.Call("generatetoaddress", 1, Address);
        var template = node.Call("getinferencetemplate", Address)!;
        int height = (int)template["height"]!;
        Assert.That(height, Is.EqualTo(2));
        Assert.That((string)template["previousblockhash"]!, Is.EqualTo(node.Host.Chain.Tip.Hash.ToString()));
        Assert.That((string)template["modelid"]!, Is.EqualTo(ChainParams.BuiltinTinyModelIdHex));
        Assert.That((int)template["windowsize"]!, Is.EqualTo(ChainParams.Regtest.ProofWindowSize));
        Assert.That((long)template["coinbasevalue"]!, Is.EqualTo(Subsidy.GetBlockSubsidy(2, ChainParams.Regtest)));

        // Everything below uses only the template's fields.
        var binding = template["binding"]!;
        byte[] prefix = Convert.FromHexString((string)binding["prefix"]!);
        Assert.That(prefix, Has.Length.EqualTo(BlockHeader.PrefixSize));
        Assert.That(Convert.ToHexStringLower(Hashes.Sha256d(prefix).ToArray()), Is.EqualTo((string)binding["b"]!), "B = SHA-256d(prefix)");
        var tick = BlockVdf.Evaluate(node.Host.Chain.Tip.Hash, ChainParams.Regtest);
        Assert.That((string)binding["v"]!, Is.EqualTo(Convert.ToHexStringLower(tick.Output.ToArray())), "v: the VDF output on the tip");
        Assert.That((uint)binding["t"]!, Is.EqualTo(ChainParams.Regtest.VdfTicks));
        byte[] vdfProof = Convert.FromHexString((string)template["vdfproof"]!);
        Assert.That(vdfProof, Is.EqualTo(tick.Evidence));
        var header = BlockHeader.Deserialize([.. prefix, .. new byte[BlockHeader.Size - BlockHeader.PrefixSize]]);
        Transaction[] transactions = [Transaction.Deserialize(Convert.FromHexString((string)template["coinbasetxn"]!["data"]!)),
            .. template["transactions"]!.AsArray().Select(t => Transaction.Deserialize(Convert.FromHexString((string)t!["data"]!)))];
        Assert.That(MerkleTree.BlockRoot(transactions, out _), Is.EqualTo(header.MerkleRoot));
        Assert.That(transactions[0].Outputs[0].ScriptPubKey, Is.EqualTo(ScriptTemplates.PayToPubKeyHash(KeyHash)));
        var target = BigInteger.Parse("0" + (string)template["target"]!, NumberStyles.HexNumber);
        Assert.That(target, Is.EqualTo(CompactBits.DecodeTarget(uint.Parse((string)template["adjbits"]!, NumberStyles.HexNumber))));

        var miner = new BlockMiner(node.Host.MiningModel.Generator, RegtestMining.Profile);
        var outcome = miner.Mine(new BlockCandidate(header, vdfProof, transactions, height, target), [1, 2, 3], maxWindows: 32, CancellationToken.None);
        Assert.That(outcome.Block, Is.Not.Null, "a regtest block takes about two windows");
        Assert.That(node.Call("submitblock", Hex(outcome.Block!)), Is.Null);
        Assert.That(node.Host.Chain.Tip.Height, Is.EqualTo(2));
    }

    [Test]
    public async Task TemplateErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("getinferencetemplate", "nope").Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("getinferencetemplate", Address, "00").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getinferencetemplate", Address, new string('a', 64)).Message, Does.Contain("bad-model").And.Contain("nor registered"));
        Assert.That((string)node.Call("getinferencetemplate", Address, ChainParams.BuiltinTinyModelIdHex)!["model"]!, Is.EqualTo("builtin:tiny"));
    }

    [Test]
    public async Task VerifyBlockProofReportsBothTiers()
    {
        await using var node = TestNode.Open();
        var hash = node.Host.Generate(1, MaturedChain.OpTrue)[0].Hash;
        var stored = node.Host.Chain.GetBlock(hash)!;

        var ok = node.Call("verifyblockproof", hash.ToString())!;
        Assert.That((bool)ok["valid"]!, Is.True);
        Assert.That((int)ok["height"]!, Is.EqualTo(1));
        Assert.That((bool)ok["tier1"]!["ok"]!, Is.True);
        Assert.That((double)ok["tier1"]!["ms"]!, Is.GreaterThanOrEqualTo(0));
        Assert.That((bool)ok["tier2"]!["ran"]!, Is.True, "the node holds builtin:tiny");
        Assert.That((bool)ok["tier2"]!["ok"]!, Is.True);
        Assert.That((bool)node.Call("verifyblockproof", Hex(stored))!["valid"]!, Is.True, "the same block given as hex");

        var garbled = node.Call("verifyblockproof", Hex(new Block(stored.Header, stored.VdfProof, stored.Transactions, [1, 2, 3])))!;
        Assert.That((bool)garbled["valid"]!, Is.False);
        Assert.That((bool)garbled["tier1"]!["ok"]!, Is.False);
        Assert.That((string)garbled["tier1"]!["reason"]!, Is.EqualTo("bad-proof-encoding"));
        Assert.That((bool)garbled["tier2"]!["ran"]!, Is.False);

        // Statistics only a replay can check (as in BlockProofTests): tier 1 passes, tier 2 fails.
        var transcript = TranscriptCodec.Decode(stored.Proof);
        var steps = transcript.Steps.ToArray();
        var stats = steps[0].Statistics;
        steps[0] = steps[0] with { Statistics = stats with { SketchBits = stats.SketchBits.Select(b => b ^ 1u).ToArray() } };
        var edited = transcript with { Steps = steps };
        var window = TensorCash.Proof.Verification.Tier1Verifier.Verify(edited, new([new(edited.Header.ModelId, 264)])).Window!;
        var forged = new Block(stored.Header with { ProofCommitment = new Hash256(window.ProofCommitment), Nonce = window.Nonce },
            stored.VdfProof, stored.Transactions, TranscriptCodec.Encode(edited));
        var replay = node.Call("verifyblockproof", Hex(forged))!;
        Assert.That((bool)replay["valid"]!, Is.False);
        Assert.That((bool)replay["tier1"]!["ok"]!, Is.True);
        Assert.That((bool)replay["tier2"]!["ran"]!, Is.True);
        Assert.That((bool)replay["tier2"]!["ok"]!, Is.False);
        Assert.That((string)replay["tier2"]!["reason"]!, Is.EqualTo("bad-proof-replay"));
    }

    [Test]
    public async Task VerifyBlockProofErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("verifyblockproof", new string('0', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("verifyblockproof", ChainParams.Regtest.GenesisHash.ToString()).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("verifyblockproof", "abc").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("verifyblockproof", "00").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        var genesis = ChainParams.Regtest.Genesis.Header;
        var orphan = RegtestMining.Mine(node.Host.MiningModel, genesis with { Time = genesis.Time + 1 }, 1).Block!;
        var error = node.Fails("verifyblockproof", Hex(orphan));
        Assert.That(error.Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(error.Message, Does.Contain("parent"));
    }
}
