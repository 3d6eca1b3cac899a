using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>getblockchaininfo, getblockcount, getbestblockhash, getblockhash, getblock and getmempoolinfo on an in-process regtest node.</summary>
public class BlockchainRpcTests
{
    private static readonly string GenesisHash = ChainParams.Regtest.GenesisHash.ToString();

    [Test]
    public async Task AFreshNodeReportsItsGenesisChain()
    {
        await using var node = TestNode.Open();
        var info = node.Call("getblockchaininfo")!.AsObject();
        Assert.That((string)info["chain"]!, Is.EqualTo("regtest"));
        Assert.That((int)info["blocks"]!, Is.EqualTo(0));
        Assert.That((int)info["headers"]!, Is.EqualTo(0));
        Assert.That((string)info["bestblockhash"]!, Is.EqualTo(GenesisHash));
        Assert.That(info["difficulty"]!.ToJsonString(), Is.EqualTo("1.00000000"), "powLimit / target, exact digits");
        Assert.That((string)info["bits"]!, Is.EqualTo("207fffff"));
        Assert.That((string)info["chainwork"]!, Is.EqualTo("0000000000000000000000000000000000000000000000000000000000000002"),
            "a block at regtest's powLimit (about 2^255) is worth floor(2^256 / (T + 1)) = 2");
        Assert.That((bool)info["initialblockdownload"]!, Is.False);
        Assert.That((int)info["proofwindowsize"]!, Is.EqualTo(ChainParams.Regtest.ProofWindowSize));
        var tiny = info["models"]!.AsArray().Single()!;
        Assert.That((string)tiny["modelid"]!, Is.EqualTo(ChainParams.BuiltinTinyModelIdHex));
        Assert.That((bool)tiny["held"]!, Is.True, "builtin:tiny is always loaded");
        Assert.That((long)info["size_on_disk"]!, Is.GreaterThan(0));
    }

    [Test]
    public async Task CountsAndHashesFollowTheTip()
    {
        await using var node = TestNode.Open();
        var mined = node.Host.Generate(2, MaturedChain.OpTrue);
        Assert.That((int)node.Call("getblockcount")!, Is.EqualTo(2));
        Assert.That((string)node.Call("getbestblockhash")!, Is.EqualTo(mined[1].Hash.ToString()));
        Assert.That((string)node.Call("getblockhash", 0)!, Is.EqualTo(GenesisHash));
        Assert.That((string)node.Call("getblockhash", 1)!, Is.EqualTo(mined[0].Hash.ToString()));
        Assert.That((string)node.Call("getblockhash", "2")!, Is.EqualTo(mined[1].Hash.ToString()), "a number given as text, as the CLI may send it");
        var info = node.Call("getblockchaininfo")!;
        Assert.That((string)info["chainwork"]!, Does.EndWith("06"), "three blocks of work 2 each");
    }

    [Test]
    public async Task GetBlockHashRejectsHeightsOutsideTheChain()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("getblockhash", 1).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getblockhash", -1).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getblockhash", "one").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("getblockhash", true).Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("getblockhash").Code, Is.EqualTo(RpcErrorCode.InvalidParams));
    }

    [Test]
    public async Task GetVdfInfoVerifiesTheTipsVdfAndHeadersShowVAndT()
    {
        await using var node = TestNode.Open();
        var genesisInfo = node.Call("getvdfinfo")!;
        Assert.That((int)genesisInfo["discriminantbits"]!, Is.EqualTo(ChainParams.Regtest.VdfDiscriminantBits));
        Assert.That((uint)genesisInfo["ticks"]!, Is.EqualTo(ChainParams.Regtest.VdfTicks));
        Assert.That(genesisInfo["verifyms"], Is.Null, "genesis has no VDF");

        var mined = node.Host.Generate(1, MaturedChain.OpTrue);
        var info = node.Call("getvdfinfo")!;
        Assert.That((string)info["tip"]!, Is.EqualTo(mined[0].Hash.ToString()));
        Assert.That((uint)info["tipvdfticks"]!, Is.EqualTo(ChainParams.Regtest.VdfTicks));
        var header = node.Host.Chain.Tip.Header;
        Assert.That((string)info["tipvdfoutput"]!, Is.EqualTo(RpcJson.ByteOrderHex(header.VdfOutput)));
        Assert.That(header.VdfOutput, Is.EqualTo(BlockVdf.Evaluate(header.PrevBlock, ChainParams.Regtest).Output));
        Assert.That((double)info["verifyms"]!, Is.GreaterThan(0));
        Assert.That(info["error"], Is.Null);
        Assert.That((int)info["evidencebytes"]!, Is.EqualTo(TensorCash.Chain.Vdf.VdfProofCodec.EncodedBytes(ChainParams.Regtest.VdfDiscriminantBits)));

        var headerObject = node.Call("getblockheader", mined[0].Hash.ToString())!;
        Assert.That((string)headerObject["vdfoutput"]!, Is.EqualTo(RpcJson.ByteOrderHex(header.VdfOutput)));
        Assert.That((uint)headerObject["vdfticks"]!, Is.EqualTo(ChainParams.Regtest.VdfTicks));
    }

    [Test]
    public async Task GetBlockAtEachVerbosity()
    {
        await using var node = TestNode.Open();
        var mined = node.Host.Generate(2, MaturedChain.OpTrue);
        string hash = mined[0].Hash.ToString();

        var raw = Block.Deserialize(Convert.FromHexString((string)node.Call("getblock", hash, 0)!));
        Assert.That(raw.Header.Hash, Is.EqualTo(mined[0].Hash));
        Assert.That(raw.Proof, Is.Not.Empty);

        var block = node.Call("getblock", hash)!.AsObject();
        Assert.That((string)block["hash"]!, Is.EqualTo(hash));
        Assert.That((int)block["height"]!, Is.EqualTo(1));
        Assert.That((int)block["confirmations"]!, Is.EqualTo(2));
        Assert.That((string)block["previousblockhash"]!, Is.EqualTo(GenesisHash));
        Assert.That((string)block["nextblockhash"]!, Is.EqualTo(mined[1].Hash.ToString()));
        Assert.That((string)block["tx"]![0]!, Is.EqualTo(raw.Transactions[0].Txid.ToString()));
        Assert.That((int)block["nTx"]!, Is.EqualTo(1));
        Assert.That((string)block["modelid"]!, Is.EqualTo(ChainParams.BuiltinTinyModelIdHex));
        Assert.That((string)block["model"]!, Is.EqualTo("builtin:tiny"));
        Assert.That((string)block["adjbits"]!, Is.EqualTo(raw.Header.AdjBits.ToString("x8")));
        Assert.That((string)block["proofcommitment"]!, Is.EqualTo(Convert.ToHexStringLower(raw.Header.ProofCommitment.ToArray())));
        Assert.That((int)block["proofbytes"]!, Is.EqualTo(raw.Proof.Length));
        Assert.That((int)block["size"]!, Is.EqualTo(raw.Serialize().Length));
        Assert.That((string)block["chainwork"]!, Does.EndWith("04"));
        var proof = block["proof"]!;
        Assert.That((int)proof["windowsize"]!, Is.EqualTo(ChainParams.Regtest.ProofWindowSize));
        Assert.That((int)proof["tokens"]!, Is.EqualTo((int)proof["windows"]! * ChainParams.Regtest.ProofWindowSize));
        Assert.That((ulong)proof["tick"]!, Is.EqualTo((ulong)ChainParams.Regtest.VdfTicks), "T: the VDF tick count");
        Assert.That((uint)block["vdfticks"]!, Is.EqualTo(ChainParams.Regtest.VdfTicks));
        Assert.That((string)block["vdfoutput"]!, Is.EqualTo(RpcJson.ByteOrderHex(raw.Header.VdfOutput)));
        Assert.That(Convert.FromHexString((string)block["vdfproof"]!), Is.EqualTo(raw.VdfProof));

        var detailed = node.Call("getblock", hash, 2)!;
        var coinbase = detailed["tx"]![0]!;
        Assert.That((string)coinbase["txid"]!, Is.EqualTo(raw.Transactions[0].Txid.ToString()));
        Assert.That(coinbase["vin"]![0]!["coinbase"], Is.Not.Null);
        Assert.That(coinbase["vout"]![0]!["value"]!.ToJsonString(), Is.EqualTo("50.00000000"));
        Assert.That((string)coinbase["hex"]!, Is.EqualTo(Convert.ToHexStringLower(raw.Transactions[0].Serialize())));

        Assert.That(node.Call("getblock", hash, true)!["tx"]![0], Is.InstanceOf<JsonValue>(), "true means verbosity 1");
        Assert.That(node.Call("getblock", hash, false)!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String), "false means verbosity 0");

        var genesis = node.Call("getblock", GenesisHash)!;
        Assert.That((int)genesis["height"]!, Is.EqualTo(0));
        Assert.That(genesis["proof"], Is.Null, "genesis has no proof");
        Assert.That(genesis["previousblockhash"], Is.Null);
    }

    [Test]
    public async Task GetBlockErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("getblock", "00").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getblock", new string('z', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getblock", new string('0', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("getblock", GenesisHash, 3).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getblock", GenesisHash, "x").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("getblock", 5).Code, Is.EqualTo(RpcErrorCode.InvalidParameter), "a number is taken as its text, which is no hash");
    }

    [Test]
    public async Task SideChainBlocksHaveNoConfirmations()
    {
        await using var node = TestNode.Open();
        var mined = node.Host.Generate(1, MaturedChain.OpTrue);
        var rival = Mining.RegtestMining.Mine(node.Host.MiningModel, ChainParams.Regtest.Genesis.Header, 1, extraNonce: 77).Block!;
        Assert.That(node.Call("submitblock", Convert.ToHexStringLower(rival.Serialize()))?.ToString(), Is.EqualTo("inconclusive"));
        var side = node.Call("getblock", rival.Header.Hash.ToString())!;
        Assert.That((int)side["confirmations"]!, Is.EqualTo(-1));
        Assert.That((int)side["height"]!, Is.EqualTo(1));
        Assert.That((string)side["chainwork"]!, Is.EqualTo((string)node.Call("getblock", mined[0].Hash.ToString())!["chainwork"]!));
        Assert.That(side["nextblockhash"], Is.Null);
    }

    [Test]
    public async Task AnEmptyMempoolIsReported()
    {
        await using var node = TestNode.Open();
        var info = node.Call("getmempoolinfo")!;
        Assert.That((bool)info["loaded"]!, Is.True);
        Assert.That((int)info["size"]!, Is.EqualTo(0));
        Assert.That((long)info["bytes"]!, Is.EqualTo(0));
        Assert.That(info["total_fee"]!.ToJsonString(), Is.EqualTo("0.00000000"));
        Assert.That(info["minrelaytxfee"]!.ToJsonString(), Is.EqualTo("0.00001000"));
        Assert.That((long)info["maxmempool"]!, Is.EqualTo(300_000_000));
    }

    /// <summary>The fields Bitcoin Core's getblockheader, getchaintips and getrawmempool return, with Core's names.</summary>
    [Test]
    public async Task HeaderTipsAndMempoolQueriesHaveCoresNamesAndShapes()
    {
        await using var node = MaturedChain.Open();
        var tip = node.Host.Chain.Tip;
        var header = node.Call("getblockheader", tip.Hash.ToString())!.AsObject();
        Assert.That(header.Select(kv => kv.Key), Is.SupersetOf(new[]
        {
            "hash", "confirmations", "height", "version", "versionHex", "merkleroot", "time", "mediantime", "nonce", "bits",
            "difficulty", "chainwork", "previousblockhash",
        }));
        Assert.That((int)header["confirmations"]!, Is.EqualTo(1));
        Assert.That((int)header["height"]!, Is.EqualTo(tip.Height));
        Assert.That(header.ContainsKey("nextblockhash"), Is.False, "the tip has no next block");
        var parent = node.Call("getblockheader", (string)header["previousblockhash"]!)!;
        Assert.That((string)parent["nextblockhash"]!, Is.EqualTo(tip.Hash.ToString()));
        Assert.That((string)node.Call("getblockheader", tip.Hash.ToString(), false)!, Is.EqualTo(Convert.ToHexStringLower(tip.Header.Serialize())));
        Assert.That(node.Fails("getblockheader", new string('4', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));

        var tips = node.Call("getchaintips")!.AsArray();
        Assert.That(tips.Count, Is.EqualTo(1));
        Assert.That(tips[0]!.AsObject().Select(kv => kv.Key), Is.EquivalentTo(new[] { "height", "hash", "branchlen", "status" }));
        Assert.That((string)tips[0]!["status"]!, Is.EqualTo("active"));
        Assert.That((int)tips[0]!["branchlen"]!, Is.EqualTo(0));

        Assert.That(node.Call("getrawmempool")!.AsArray(), Is.Empty);
        Assert.That(node.Call("getrawmempool", true)!.AsObject(), Is.Empty);
    }
}
