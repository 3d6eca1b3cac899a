using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>sendrawtransaction and getrawtransaction on a matured regtest chain whose coinbases pay OP_TRUE.</summary>
public class RawTransactionRpcTests
{
    private const long Fee = 10_000;

    private static OutPoint CoinbaseOf(TestNode node, int height) =>
        new(node.Host.Chain.GetBlock(node.Host.Chain.GetBlockHash(height)!.Value)!.Transactions[0].Txid, 0);

    private static Transaction Spend(OutPoint prevout, long value, byte tag = 0) =>
        new(1, [new TxIn(prevout, [])], [new TxOut(value, MaturedChain.OpTrue), new TxOut(1_000_000 + tag, MaturedChain.OpTrue)], 0);

    private static string Hex(Transaction tx) => Convert.ToHexStringLower(tx.Serialize());

    [Test]
    public async Task ASpendEntersTheMempoolAndThenABlock()
    {
        await using var node = MaturedChain.Open();
        var spend = Spend(CoinbaseOf(node, 1), 50_00000000 - 1_000_000 - Fee);

        Assert.That((string)node.Call("sendrawtransaction", Hex(spend))!, Is.EqualTo(spend.Txid.ToString()));
        Assert.That((string)node.Call("sendrawtransaction", Hex(spend))!, Is.EqualTo(spend.Txid.ToString()), "already in the mempool: the txid again");
        var pool = node.Call("getmempoolinfo")!;
        Assert.That((int)pool["size"]!, Is.EqualTo(1));
        Assert.That(pool["total_fee"]!.ToJsonString(), Is.EqualTo("0.00010000"));
        Assert.That((string)node.Call("getrawtransaction", spend.Txid.ToString())!, Is.EqualTo(Hex(spend)), "found in the mempool");
        var pooled = node.Call("getrawtransaction", spend.Txid.ToString(), true)!;
        Assert.That(pooled["blockhash"], Is.Null);
        Assert.That((string)pooled["vin"]![0]!["txid"]!, Is.EqualTo(CoinbaseOf(node, 1).Txid.ToString()));

        var hash = node.Host.Generate(1, MaturedChain.OpTrue)[0].Hash;
        var block = node.Host.Chain.GetBlock(hash)!;
        Assert.That(block.Transactions.Select(t => t.Txid), Does.Contain(spend.Txid), "the miner took it from the mempool");
        Assert.That(block.Transactions[0].Outputs.Sum(o => o.Value), Is.EqualTo(50_00000000 + Fee), "the coinbase claims the fee");
        Assert.That((int)node.Call("getmempoolinfo")!["size"]!, Is.EqualTo(0));

        var confirmed = node.Call("getrawtransaction", spend.Txid.ToString(), 1)!;
        Assert.That((string)confirmed["blockhash"]!, Is.EqualTo(hash.ToString()));
        Assert.That((int)confirmed["confirmations"]!, Is.EqualTo(1));
        Assert.That((bool)confirmed["in_active_chain"]!, Is.True);

        var again = node.Fails("sendrawtransaction", Hex(spend));
        Assert.That(again.Code, Is.EqualTo(RpcErrorCode.VerifyAlreadyInChain));
    }

    [Test]
    public async Task RejectionsCarryTheReason()
    {
        await using var node = MaturedChain.Open();
        var coin = CoinbaseOf(node, 1);
        node.Call("sendrawtransaction", Hex(Spend(coin, 40_00000000)));

        var conflict = node.Fails("sendrawtransaction", Hex(Spend(coin, 40_00000000, tag: 1)));
        Assert.That(conflict.Code, Is.EqualTo(RpcErrorCode.VerifyRejected));
        Assert.That(conflict.Message, Does.StartWith(MempoolReasons.Conflict));

        var missing = node.Fails("sendrawtransaction", Hex(Spend(new OutPoint(coin.Txid, 7), 1_000_000)));
        Assert.That(missing.Code, Is.EqualTo(RpcErrorCode.VerifyError));
        Assert.That(missing.Message, Does.StartWith(MempoolReasons.MissingInputs));

        var immature = node.Fails("sendrawtransaction", Hex(Spend(CoinbaseOf(node, MaturedChain.WalletHeights[^1] + 1), 40_00000000)));
        Assert.That(immature.Code, Is.EqualTo(RpcErrorCode.VerifyRejected));
        Assert.That(immature.Message, Does.StartWith("bad-txns-premature-spend-of-coinbase"));

        var overspend = node.Fails("sendrawtransaction", Hex(Spend(CoinbaseOf(node, 2), 60_00000000)));
        Assert.That(overspend.Code, Is.EqualTo(RpcErrorCode.VerifyRejected));
        Assert.That(overspend.Message, Does.StartWith("bad-txns-in-belowout"));
    }

    [Test]
    public async Task UndecodableTransactionsAreDeserializationErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("sendrawtransaction", "xyz").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("sendrawtransaction", "0100").Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("sendrawtransaction", 12).Code, Is.EqualTo(RpcErrorCode.DeserializationError));
        Assert.That(node.Fails("sendrawtransaction", true).Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("sendrawtransaction").Code, Is.EqualTo(RpcErrorCode.InvalidParams));
    }

    [Test]
    public async Task ConfirmedTransactionsAreFoundInRecentBlocksOrByBlockHash()
    {
        await using var node = MaturedChain.Open();
        var recent = CoinbaseOf(node, MaturedChain.Height).Txid;
        Assert.That((string)node.Call("getrawtransaction", recent.ToString(), true)!["blockhash"]!,
            Is.EqualTo(node.Host.Chain.GetBlockHash(MaturedChain.Height)!.Value.ToString()));

        var old = CoinbaseOf(node, 1).Txid;
        var notSearched = node.Fails("getrawtransaction", old.ToString());
        Assert.That(notSearched.Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(notSearched.Message, Does.Contain("blockhash"));
        string block1 = node.Host.Chain.GetBlockHash(1)!.Value.ToString();
        Assert.That((string)node.Call("getrawtransaction", old.ToString(), 0, block1)!,
            Is.EqualTo(Convert.ToHexStringLower(node.Host.Chain.GetBlock(node.Host.Chain.GetBlockHash(1)!.Value)!.Transactions[0].Serialize())));
        Assert.That(node.Fails("getrawtransaction", recent.ToString(), 0, block1).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey), "not in that block");
        Assert.That(node.Fails("getrawtransaction", old.ToString(), 0, new string('0', 64)).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey), "no such block");
    }

    [Test]
    public async Task GetRawTransactionParameterErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("getrawtransaction", "1234").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getrawtransaction", new string('0', 64), 5).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getrawtransaction", new string('0', 64), 0, "x").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("getrawtransaction").Code, Is.EqualTo(RpcErrorCode.InvalidParams));
    }

    [Test]
    public async Task WithTxIndexAnyConfirmedTransactionIsFoundAndAMissReadsNoBlock()
    {
        await using var node = MaturedChain.Open(new TensorCash.Node.Hosting.NodeOptions { Network = TensorCash.Chain.Consensus.Network.Regtest, TxIndex = true });
        var tip = node.Host.Chain.Tip;
        var deep = CoinbaseOf(node, 1).Txid; // 103 blocks deep: beyond the bounded scan
        var info = node.Call("getindexinfo")!;
        Assert.That(info.ToJsonString(), Is.EqualTo($"{{\"txindex\":{{\"synced\":true,\"best_block_height\":{tip.Height}}}}}"));
        Assert.That(node.Call("getindexinfo", "txindex")!.ToJsonString(), Is.EqualTo(info.ToJsonString()));
        Assert.That(node.Call("getindexinfo", "coinstatsindex")!.ToJsonString(), Is.EqualTo("{}"));

        var found = node.Call("getrawtransaction", deep.ToString(), true)!;
        Assert.That((string)found["txid"]!, Is.EqualTo(deep.ToString()));
        Assert.That((string)found["blockhash"]!, Is.EqualTo(node.Host.Chain.GetBlockHash(1)!.Value.ToString()));
        Assert.That((int)found["confirmations"]!, Is.EqualTo(tip.Height));

        long reads = node.Host.Chain.BlockReads;
        var miss = node.Fails("getrawtransaction", new string('7', 64));
        Assert.That(miss.Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(miss.Message, Does.Contain("No such mempool or blockchain transaction"));
        Assert.That(node.Host.Chain.BlockReads, Is.EqualTo(reads), "a miss is one index lookup: no block is read");

        node.Host.Generate(1, MaturedChain.OpTrue);
        Assert.That((int)node.Call("getindexinfo")!["txindex"]!["best_block_height"]!, Is.EqualTo(tip.Height + 1));
    }

    [Test]
    public async Task WithoutTxIndexADeepTransactionNeedsItsBlockHashAndAMissScansTheBoundedDepth()
    {
        await using var node = MaturedChain.Open();
        Assert.That(node.Call("getindexinfo")!.ToJsonString(), Is.EqualTo("{}"));
        var deep = CoinbaseOf(node, 1).Txid;
        var error = node.Fails("getrawtransaction", deep.ToString());
        Assert.That(error.Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(error.Message, Does.Contain("--txindex"));
        long reads = node.Host.Chain.BlockReads;
        node.Fails("getrawtransaction", new string('7', 64));
        Assert.That(node.Host.Chain.BlockReads - reads, Is.EqualTo(RawTransactionRpcMethods.SearchDepthBlocks), "the seam counts the scan's block reads");
    }
}
