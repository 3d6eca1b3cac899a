using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Rpc;
using TensorCash.Node.Wallet;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>getnewaddress, getbalance, getbalances, listunspent and sendtoaddress against the node's default wallet.</summary>
public class WalletRpcTests
{
    private const long Coin = 100_000_000;
    private static readonly string Outsider = Address.Encode(Enumerable.Repeat((byte)7, 20).ToArray(), ChainParams.Regtest.Bech32Hrp);

    private static long Units(JsonNode? amount)
    {
        Assert.That(AmountFormat.TryParse(amount!.ToJsonString(), out long units), $"{amount} is an amount");
        return units;
    }

    [Test]
    public async Task AFreshNodeHasAnEmptyWalletFileOnlyItsOwnerCanRead()
    {
        await using var node = TestNode.Open();
        string path = WalletFile.PathIn(node.DataDirectory, "default");
        Assert.That(File.Exists(path), "created on first start");
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(node.Call("getbalance")!.ToJsonString(), Is.EqualTo("0.00000000"));
        Assert.That(node.Call("listunspent")!.AsArray(), Is.Empty);

        string address = (string)node.Call("getnewaddress", "savings")!;
        Assert.That(address, Does.StartWith("tcrt1"));
        Assert.That(node.Host.Wallet.Addresses, Does.Contain(address));
        Assert.That((string)node.Call("getnewaddress")!, Is.Not.EqualTo(address));
        Assert.That(node.Fails("getnewaddress", new JsonArray()).Code, Is.EqualTo(RpcErrorCode.TypeError));
    }

    [Test]
    public async Task MaturedCoinbasesAreSpendable()
    {
        await using var node = MaturedChain.Open();
        Assert.That(Units(node.Call("getbalance")), Is.EqualTo(100 * Coin), "two mature 50-coin coinbases");
        var balances = node.Call("getbalances")!["mine"]!;
        Assert.That(Units(balances["trusted"]), Is.EqualTo(100 * Coin));
        Assert.That(Units(balances["immature"]), Is.EqualTo(0));
        Assert.That(Units(balances["untrusted_pending"]), Is.EqualTo(0));

        var unspent = node.Call("listunspent")!.AsArray();
        Assert.That(unspent, Has.Count.EqualTo(2));
        Assert.That(unspent.Select(u => (string)u!["address"]!), Is.All.EqualTo(MaturedChain.WalletAddress));
        Assert.That(unspent.Select(u => (int)u!["confirmations"]!),
            Is.EquivalentTo(MaturedChain.WalletHeights.Select(h => MaturedChain.Height - h + 1)));
        Assert.That((string)unspent[0]!["label"]!, Is.EqualTo("fixture"));
        Assert.That((bool)unspent[0]!["coinbase"]!, Is.True);
        Assert.That(unspent[0]!["amount"]!.ToJsonString(), Is.EqualTo("50.00000000"));

        Assert.That(node.Call("listunspent", MaturedChain.Height - MaturedChain.WalletHeights[0] + 1)!.AsArray(), Has.Count.EqualTo(1), "minconf");
        Assert.That(node.Call("listunspent", 0, MaturedChain.Height - MaturedChain.WalletHeights[^1] + 1)!.AsArray(), Has.Count.EqualTo(1), "maxconf");
        Assert.That(node.Call("listunspent", 0, 9999999, new JsonArray(Outsider))!.AsArray(), Is.Empty);
        Assert.That(node.Call("listunspent", 0, 9999999, new JsonArray(MaturedChain.WalletAddress))!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task SendToAddressPaysFromTheWalletThroughTheMempool()
    {
        await using var node = MaturedChain.Open();
        string txid = (string)node.Call("sendtoaddress", Outsider, "1.5")!;
        var entry = node.Host.Mempool.Pool.GetEntry(Hash256.Parse(txid))!;
        Assert.That(entry.Transaction.Outputs.Any(o => o.Value == 150_000_000), "the payment");
        Assert.That(entry.Fee * 1000, Is.GreaterThanOrEqualTo(2000L * entry.Size), "the default rate: 2 base units per byte");

        var balances = node.Call("getbalances")!["mine"]!;
        Assert.That(Units(balances["trusted"]), Is.EqualTo(50 * Coin), "one coinbase is spent by the mempool transaction");
        Assert.That(Units(balances["untrusted_pending"]), Is.EqualTo(50 * Coin - 150_000_000 - entry.Fee), "its change");
        Assert.That(node.Call("listunspent")!.AsArray(), Has.Count.EqualTo(1));

        var signatures = node.Host.Chain.Signatures;
        Assert.That((signatures.Count, signatures.Hits), Is.EqualTo((entry.Transaction.Inputs.Count, 0L)), "admission verified and remembered the signatures");
        node.Host.Generate(1, MaturedChain.OpTrue);
        Assert.That(Units(node.Call("getbalance")), Is.EqualTo(100 * Coin - 150_000_000 - entry.Fee));
        Assert.That(signatures.Hits, Is.GreaterThanOrEqualTo(2 * entry.Transaction.Inputs.Count),
            "the block template and the block's connection found the signatures in the cache");

        string second = (string)node.Call("sendtoaddress", Outsider, 2, 5)!;
        var paid = node.Host.Mempool.Pool.GetEntry(Hash256.Parse(second))!;
        Assert.That(paid.Fee * 1000, Is.GreaterThanOrEqualTo(5000L * paid.Size), "fee_rate 5 base units per byte");
    }

    /// <summary>
    /// A payment that the confirmed coins cannot cover spends the wallet's own unconfirmed change, in a chain through
    /// the mempool, and every link is mined in the next block. Confirmed coins go first.
    /// </summary>
    [Test]
    public async Task PaymentsSpendTheWalletsOwnUnconfirmedChangeWhenConfirmedCoinsFallShort()
    {
        await using var node = MaturedChain.Open();
        Hash256 Pay(decimal coins) => Hash256.Parse((string)node.Call("sendtoaddress", Outsider, coins.ToString(System.Globalization.CultureInfo.InvariantCulture))!);

        var first = node.Host.Mempool.Pool.GetEntry(Pay(30m))!;
        Assert.That(first.Transaction.Inputs, Has.Count.EqualTo(1), "one confirmed 50-coin coinbase covers it");
        var second = node.Host.Mempool.Pool.GetEntry(Pay(30m))!;
        Assert.That(second.Transaction.Inputs.Select(i => i.Prevout.Txid), Does.Not.Contain(first.Txid), "the other confirmed coin first");

        // 40 coins confirmed: none. Pending change: about 20 + 20, both the wallet's own.
        var third = node.Host.Mempool.Pool.GetEntry(Pay(35m))!;
        Assert.That(third.Transaction.Inputs.Select(i => i.Prevout.Txid), Is.EquivalentTo(new[] { first.Txid, second.Txid }));
        var fourth = node.Host.Mempool.Pool.GetEntry(Pay(4m))!;
        Assert.That(fourth.Transaction.Inputs.Single().Prevout.Txid, Is.EqualTo(third.Txid), "a chain of unconfirmed change");

        var e = node.Fails("sendtoaddress", Outsider, 2);
        Assert.That(e.Message, Does.Contain("insufficient funds"), "about 1 coin of change is left");

        node.Host.Generate(1, MaturedChain.OpTrue);
        Assert.That(node.Host.Mempool.Pool.GetInfo().Count, Is.Zero, "the whole chain is mined in one block");
        long fees = first.Fee + second.Fee + third.Fee + fourth.Fee;
        Assert.That(Units(node.Call("getbalance")), Is.EqualTo(100 * Coin - 99 * Coin - fees));
    }

    [Test]
    public async Task SendToAddressErrors()
    {
        await using var node = MaturedChain.Open();
        Assert.That(node.Fails("sendtoaddress", "tcrt1xyz", 1).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("sendtoaddress", Address.Encode(new byte[20], "tc"), 1).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("sendtoaddress", Outsider, 0).Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("sendtoaddress", Outsider, -1).Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("sendtoaddress", Outsider, "lots").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("sendtoaddress", Outsider, "0.000000001").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("sendtoaddress", Outsider, 1000).Code, Is.EqualTo(RpcErrorCode.WalletInsufficientFunds));
        Assert.That(node.Fails("sendtoaddress", Outsider, 1, "fast").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("sendtoaddress", Outsider, 1, "1.2345").Code, Is.EqualTo(RpcErrorCode.TypeError));
        var tooCheap = node.Fails("sendtoaddress", Outsider, 1, "0.5");
        Assert.That(tooCheap.Code, Is.EqualTo(RpcErrorCode.VerifyRejected), "the wallet signs it, the mempool refuses it");
        Assert.That(tooCheap.Message, Does.Contain("min relay fee not met"));
        Assert.That(node.Fails("sendtoaddress", Outsider).Code, Is.EqualTo(RpcErrorCode.InvalidParams));
        Assert.That(node.Call("getmempoolinfo")!["size"]!.GetValue<int>(), Is.EqualTo(0), "nothing was sent");
    }

    [Test]
    public async Task ListUnspentParameterErrors()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("listunspent", -1).Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(node.Fails("listunspent", "x").Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("listunspent", 1, 10, "tcrt1").Code, Is.EqualTo(RpcErrorCode.TypeError), "addresses must be an array");
        Assert.That(node.Fails("listunspent", 1, 10, new JsonArray(1)).Code, Is.EqualTo(RpcErrorCode.TypeError));
        Assert.That(node.Fails("listunspent", 1, 10, new JsonArray("nope")).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
    }
}
