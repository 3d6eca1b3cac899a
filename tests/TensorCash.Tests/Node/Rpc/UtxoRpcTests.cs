using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>gettxout, gettxoutsetinfo, getmempoolentry, testmempoolaccept, decoderawtransaction, decodescript, invalidateblock, reconsiderblock, estimatesmartfee.</summary>
public class UtxoRpcTests
{
    private const long Fee = 10_000;

    private static OutPoint CoinbaseOf(TestNode node, int height) =>
        new(node.Host.Chain.GetBlock(node.Host.Chain.GetBlockHash(height)!.Value)!.Transactions[0].Txid, 0);

    private static Transaction Spend(OutPoint prevout, long value) =>
        new(1, [new TxIn(prevout, [])], [new TxOut(value, MaturedChain.OpTrue), new TxOut(1_000_000, MaturedChain.OpTrue)], 0);

    private static string Hex(Transaction tx) => Convert.ToHexStringLower(tx.Serialize());

    [Test]
    public async Task GetTxOutSeesConfirmedPooledAndSpentOutputs()
    {
        await using var node = MaturedChain.Open();
        var coin = CoinbaseOf(node, 1);
        var confirmed = node.Call("gettxout", coin.Txid.ToString(), 0)!;
        Assert.That(confirmed["value"]!.ToJsonString(), Is.EqualTo("50.00000000"));
        Assert.That((bool)confirmed["coinbase"]!, Is.True);
        Assert.That((int)confirmed["confirmations"]!, Is.EqualTo(MaturedChain.Height));
        Assert.That((string)confirmed["bestblock"]!, Is.EqualTo(node.Host.Chain.Tip.Hash.ToString()));
        Assert.That((string)confirmed["scriptPubKey"]!["hex"]!, Is.EqualTo("51"));

        var spend = Spend(coin, 50_00000000 - 1_000_000 - Fee);
        node.Call("sendrawtransaction", Hex(spend));
        Assert.That(node.Call("gettxout", coin.Txid.ToString(), 0), Is.Null, "spent by a pooled transaction");
        Assert.That(node.Call("gettxout", coin.Txid.ToString(), 0, false), Is.Not.Null, "still unspent in the chain");
        var pooled = node.Call("gettxout", spend.Txid.ToString(), 1)!;
        Assert.That((int)pooled["confirmations"]!, Is.Zero);
        Assert.That(pooled["value"]!.ToJsonString(), Is.EqualTo("0.01000000"));
        Assert.That(node.Call("gettxout", spend.Txid.ToString(), 1, false), Is.Null, "not in the chain yet");
        Assert.That(node.Call("gettxout", coin.Txid.ToString(), 5), Is.Null, "no such output");
    }

    [Test]
    public async Task GetTxOutBadParameters()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("gettxout", "abcd", 0).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("gettxout", new string('0', 64), -1).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("gettxout", new string('0', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidParams));
        Assert.That(node.Fails("gettxout", new string('0', 64), 0, "maybe").Code, Is.EqualTo(RpcErrorCode.TypeError));
    }

    [Test]
    public async Task GetTxOutSetInfoCountsTheUtxoSet()
    {
        await using var node = MaturedChain.Open();
        var info = node.Call("gettxoutsetinfo")!;
        var set = node.Host.Chain.GetUtxoSet();
        Assert.That((int)info["height"]!, Is.EqualTo(MaturedChain.Height));
        Assert.That((string)info["bestblock"]!, Is.EqualTo(node.Host.Chain.Tip.Hash.ToString()));
        Assert.That((long)info["txouts"]!, Is.EqualTo(set.Count));
        Assert.That(info["total_amount"]!.ToJsonString(), Is.EqualTo(AmountFormat.Format(set.Sum(c => c.Value.Output.Value))));
        Assert.That(info["total_amount"]!.ToJsonString(), Does.EndWith(".00000000"));
        Assert.That((string)info["muhash"]!, Is.EqualTo(node.Host.Chain.GetUtxoCommitment().ToString()));
        node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);
        Assert.That((string)node.Call("gettxoutsetinfo")!["muhash"]!, Is.Not.EqualTo((string)info["muhash"]!), "a new coinbase changes the set's commitment");
    }

    [Test]
    public async Task GetMempoolEntryShowsFeeAndFamily()
    {
        await using var node = MaturedChain.Open();
        var parent = Spend(CoinbaseOf(node, 1), 50_00000000 - 1_000_000 - Fee);
        var child = Spend(new OutPoint(parent.Txid, 0), 50_00000000 - 2_000_000 - 2 * Fee);
        node.Call("sendrawtransaction", Hex(parent));
        node.Call("sendrawtransaction", Hex(child));

        var entry = node.Call("getmempoolentry", parent.Txid.ToString())!;
        Assert.That(entry["fee"]!.ToJsonString(), Is.EqualTo("0.00010000"));
        Assert.That(entry["fees"]!["base"]!.ToJsonString(), Is.EqualTo("0.00010000"));
        Assert.That((int)entry["vsize"]!, Is.EqualTo(parent.SerializedSize));
        Assert.That(entry["depends"]!.AsArray(), Is.Empty);
        Assert.That(entry["spentby"]!.AsArray().Select(t => (string)t!), Is.EqualTo(new[] { child.Txid.ToString() }));
        var childEntry = node.Call("getmempoolentry", child.Txid.ToString())!;
        Assert.That(childEntry["depends"]!.AsArray().Select(t => (string)t!), Is.EqualTo(new[] { parent.Txid.ToString() }));

        // getrawmempool verbose: Core's shape, an object keyed by txid holding the getmempoolentry objects.
        var verbose = node.Call("getrawmempool", true)!.AsObject();
        Assert.That(verbose.Select(kv => kv.Key), Is.EqualTo(new[] { parent.Txid.ToString(), child.Txid.ToString() }));
        Assert.That(verbose[parent.Txid.ToString()]!.ToJsonString(), Is.EqualTo(entry.ToJsonString()));
        Assert.That(verbose[child.Txid.ToString()]!.ToJsonString(), Is.EqualTo(childEntry.ToJsonString()));
    }

    [Test]
    public async Task GetMempoolEntryBadParameters()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("getmempoolentry", new string('1', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("getmempoolentry", "xyz").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
    }

    [Test]
    public async Task TestMempoolAcceptChecksWithoutAdding()
    {
        await using var node = MaturedChain.Open();
        var spend = Spend(CoinbaseOf(node, 1), 50_00000000 - 1_000_000 - Fee);
        var verdict = node.Call("testmempoolaccept", new JsonArray(Hex(spend)))!.AsArray().Single()!;
        Assert.That((string)verdict["txid"]!, Is.EqualTo(spend.Txid.ToString()));
        Assert.That((bool)verdict["allowed"]!, Is.True);
        Assert.That(verdict["fees"]!["base"]!.ToJsonString(), Is.EqualTo("0.00010000"));
        Assert.That((int)verdict["vsize"]!, Is.EqualTo(spend.SerializedSize));
        Assert.That((int)node.Call("getmempoolinfo")!["size"]!, Is.Zero, "a dry run");

        var overspend = Spend(CoinbaseOf(node, 2), 60_00000000);
        var refused = node.Call("testmempoolaccept", new JsonArray(Hex(overspend)))!.AsArray().Single()!;
        Assert.That((bool)refused["allowed"]!, Is.False);
        Assert.That((string)refused["reject-reason"]!, Is.EqualTo("bad-txns-in-belowout"));

        Assert.That((string)node.Call("sendrawtransaction", Hex(spend))!, Is.EqualTo(spend.Txid.ToString()), "still acceptable after the dry run");
    }

    [Test]
    public async Task TestMempoolAcceptBadParameters()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("testmempoolaccept", "00").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("testmempoolaccept", new JsonArray()).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("testmempoolaccept", new JsonArray("zz")).Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("testmempoolaccept", new JsonArray("0100")).Code, Is.EqualTo(RpcErrorCode.DeserializationError));
    }

    [Test]
    public async Task DecodeRawTransactionDecodes()
    {
        await using var node = TestNode.Open();
        var tx = Spend(new OutPoint(new TensorCash.Chain.Primitives.Hash256(Enumerable.Repeat((byte)7, 32).ToArray()), 3), 12_345);
        var decoded = node.Call("decoderawtransaction", Hex(tx))!;
        Assert.That((string)decoded["txid"]!, Is.EqualTo(tx.Txid.ToString()));
        Assert.That((int)decoded["vin"]![0]!["vout"]!, Is.EqualTo(3));
        Assert.That(decoded["vout"]![0]!["value"]!.ToJsonString(), Is.EqualTo("0.00012345"));
        Assert.That(node.Fails("decoderawtransaction", "zz").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("decoderawtransaction", "0100").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("decoderawtransaction").Code, Is.EqualTo(RpcErrorCode.InvalidParams));
    }

    [Test]
    public async Task DecodeScriptDisassembles()
    {
        await using var node = TestNode.Open();
        string hash = new('a', 40);
        var p2pkh = node.Call("decodescript", $"76a914{hash}88ac")!;
        Assert.That((string)p2pkh["asm"]!, Is.EqualTo($"OP_DUP OP_HASH160 {hash} OP_EQUALVERIFY OP_CHECKSIG"));
        Assert.That((string)p2pkh["type"]!, Is.EqualTo("pubkeyhash"));
        Assert.That((string?)p2pkh["address"], Is.Not.Null.And.Not.Empty);
        Assert.That((string)node.Call("decodescript", "0051604f")!["asm"]!, Is.EqualTo("0 1 16 -1"));
        Assert.That((string)node.Call("decodescript", "51")!["type"]!, Is.EqualTo("nonstandard"));
        Assert.That((string)node.Call("decodescript", "6a0401020304")!["type"]!, Is.EqualTo("nulldata"));
        Assert.That((string)node.Call("decodescript", "6a0401020304")!["asm"]!, Is.EqualTo("OP_RETURN 01020304"));
        Assert.That((string)node.Call("decodescript", "51054142")!["asm"]!, Is.EqualTo("1 [error]"), "a push that runs past the end");
        Assert.That((string)node.Call("decodescript", "")!["asm"]!, Is.Empty);
        Assert.That(node.Fails("decodescript", "abc").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
    }

    [Test]
    public async Task InvalidateBlockMovesTheTipBack()
    {
        await using var node = MaturedChain.Open();
        var tip = node.Host.Chain.Tip;
        Assert.That(node.Call("invalidateblock", tip.Hash.ToString()), Is.Null);
        Assert.That((int)node.Call("getblockcount")!, Is.EqualTo(tip.Height - 1));
        Assert.That(node.Host.Chain.IsKnownInvalid(tip.Hash), Is.True);
        Assert.That(node.Call("invalidateblock", tip.Hash.ToString()), Is.Null, "again: nothing left to do");

        Assert.That(node.Fails("invalidateblock", new string('2', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("invalidateblock", node.Host.Parameters.Genesis.Header.Hash.ToString()).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("invalidateblock", "12").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
    }

    [Test]
    public async Task ReconsiderBlockUndoesInvalidateBlock()
    {
        await using var node = MaturedChain.Open();
        var tip = node.Host.Chain.Tip;
        string invalidated = node.Host.Chain.GetBlockHash(tip.Height - 2)!.Value.ToString();
        Assert.That(node.Call("invalidateblock", invalidated), Is.Null);
        Assert.That((int)node.Call("getblockcount")!, Is.EqualTo(tip.Height - 3));
        Assert.That((string)node.Call("getblockheader", tip.Hash.ToString())!["status"]!, Is.EqualTo("invalid"));

        Assert.That(node.Call("reconsiderblock", invalidated), Is.Null);
        Assert.That((string)node.Call("getbestblockhash")!, Is.EqualTo(tip.Hash.ToString()));
        Assert.That((string)node.Call("getblockheader", tip.Hash.ToString())!["status"]!, Is.EqualTo("active"));
        Assert.That(node.Call("reconsiderblock", invalidated), Is.Null, "again: nothing left to do");

        var unknown = node.Fails("reconsiderblock", new string('3', 64));
        Assert.That(unknown.Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(unknown.Message, Does.Contain("Block not found"));
        Assert.That(node.Fails("reconsiderblock", "12").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
    }

    [Test]
    public async Task EstimateSmartFeeFallsBackToTheMinimumRelayFee()
    {
        await using var node = MaturedChain.Open();
        var estimate = node.Call("estimatesmartfee", 6)!;
        Assert.That(estimate["feerate"]!.ToJsonString(), Is.EqualTo("0.00001000"), "an empty pool: the minimum relay fee");
        Assert.That((int)estimate["blocks"]!, Is.EqualTo(6));
        node.Call("sendrawtransaction", Hex(Spend(CoinbaseOf(node, 1), 50_00000000 - 1_000_000 - Fee)));
        Assert.That(node.Call("estimatesmartfee", 1, "economical")!["feerate"]!.ToJsonString(), Is.EqualTo("0.00001000"), "the pool fills no block");

        Assert.That(node.Fails("estimatesmartfee", 0).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("estimatesmartfee", UtxoRpcMethods.MaxConfirmationTarget + 1).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("estimatesmartfee", 2, "fast").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("estimatesmartfee", "two").Code, Is.EqualTo(RpcErrorCode.TypeError));
    }
}
