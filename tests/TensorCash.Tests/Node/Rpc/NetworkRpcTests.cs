using System.Net;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Node.P2p;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>The peer-to-peer RPCs on two in-process nodes linked over 127.0.0.1, with each error code.</summary>
public class NetworkRpcTests
{
    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(20)) Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    private static P2pOptions Listening => new() { Listen = true, Port = 0, Bind = IPAddress.Loopback };

    [Test]
    [CancelAfter(60_000)]
    public async Task PeerInfoConnectionCountAndNetworkInfoDescribeALinkedPair()
    {
        await using var a = TestNode.Open();
        await using var b = TestNode.Open();
        var aNetwork = a.Host.StartNetwork(Listening);
        b.Host.StartNetwork(new P2pOptions { Connect = [new IPEndPoint(IPAddress.Loopback, aNetwork.ListenPort)] });
        await WaitUntil(() => (int)a.Call("getconnectioncount")! == 1 && (int)b.Call("getconnectioncount")! == 1, "both sides complete the handshake");

        var hash = b.Host.Generate(1, MaturedChain.OpTrue)[0].Hash;
        await WaitUntil(() => a.Host.Chain.Tip.Hash == hash, "a syncs b's block");

        var peer = b.Call("getpeerinfo")!.AsArray().Single()!;
        Assert.That((string)peer["addr"]!, Is.EqualTo($"127.0.0.1:{aNetwork.ListenPort}"));
        Assert.That((bool)peer["inbound"]!, Is.False);
        Assert.That((bool)peer["manual"]!, Is.True, "--connect peers are manual");
        Assert.That((string)peer["subver"]!, Does.StartWith("/TensorCash:"));
        Assert.That((string)peer["services"]!, Is.EqualTo("0000000000000003"), "NETWORK | FULL_REPLAY");
        Assert.That((long)peer["bytessent"]!, Is.GreaterThan(0));
        Assert.That((long)peer["bytessent_per_msg"]!["version"]!, Is.GreaterThan(0));
        var inbound = a.Call("getpeerinfo")!.AsArray().Single()!;
        Assert.That((bool)inbound["inbound"]!, Is.True);
        Assert.That((long)inbound["bytesrecv_per_msg"]!["block"]!, Is.GreaterThan(0), "the block came over the wire");

        var info = a.Call("getnetworkinfo")!;
        Assert.That((int)info["connections"]!, Is.EqualTo(1));
        Assert.That((int)info["connections_in"]!, Is.EqualTo(1));
        Assert.That((bool)info["listening"]!, Is.True);
        Assert.That((int)info["port"]!, Is.EqualTo(aNetwork.ListenPort));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AddnodeConnectsAndDisconnectnodeDrops()
    {
        await using var a = TestNode.Open();
        await using var b = TestNode.Open();
        var aNetwork = a.Host.StartNetwork(Listening);
        b.Host.StartNetwork(new P2pOptions());
        string endpoint = $"127.0.0.1:{aNetwork.ListenPort}";
        Assert.That(b.Call("addnode", endpoint, "add"), Is.Null);
        Assert.That(b.Fails("addnode", endpoint, "add").Code, Is.EqualTo(RpcErrorCode.ClientNodeAlreadyAdded));
        await WaitUntil(() => (int)b.Call("getconnectioncount")! == 1, "addnode connects");
        Assert.That(b.Call("addnode", endpoint, "remove"), Is.Null);
        Assert.That(b.Fails("addnode", endpoint, "remove").Code, Is.EqualTo(RpcErrorCode.ClientNodeNotAdded));
        Assert.That(b.Fails("addnode", endpoint, "connect").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
        Assert.That(b.Fails("addnode", "127.0.0.1:99999", "add").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));

        Assert.That(b.Call("disconnectnode", endpoint), Is.Null);
        await WaitUntil(() => (int)b.Call("getconnectioncount")! == 0, "disconnectnode drops the peer");
        Assert.That(b.Fails("disconnectnode", endpoint).Code, Is.EqualTo(RpcErrorCode.ClientNodeNotConnected));
        Assert.That(b.Fails("disconnectnode").Code, Is.EqualTo(RpcErrorCode.InvalidParameter));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SetbanDisconnectsListsAndLifts()
    {
        await using var a = TestNode.Open();
        await using var b = TestNode.Open();
        var aNetwork = a.Host.StartNetwork(Listening);
        b.Host.StartNetwork(new P2pOptions { AddNodes = [new IPEndPoint(IPAddress.Loopback, aNetwork.ListenPort)] });
        await WaitUntil(() => (int)a.Call("getconnectioncount")! == 1, "b connects");

        Assert.That(a.Call("setban", "127.0.0.0/8", "add", 3600), Is.Null);
        await WaitUntil(() => (int)a.Call("getconnectioncount")! == 0, "the banned peer is dropped");
        Assert.That(a.Fails("setban", "127.0.0.0/8", "add").Code, Is.EqualTo(RpcErrorCode.ClientNodeAlreadyAdded));
        var banned = a.Call("listbanned")!.AsArray().Single()!;
        Assert.That((string)banned["address"]!, Is.EqualTo("127.0.0.0/8"));
        Assert.That((long)banned["ban_duration"]!, Is.EqualTo(3600));
        await Task.Delay(1500);
        Assert.That((int)a.Call("getconnectioncount")!, Is.EqualTo(0), "b's retries are refused while the ban lasts");

        Assert.That(a.Fails("setban", "1.2.3", "add").Code, Is.EqualTo(RpcErrorCode.ClientInvalidIpOrSubnet));
        Assert.That(a.Fails("setban", "10.0.0.1", "remove").Code, Is.EqualTo(RpcErrorCode.ClientInvalidIpOrSubnet));
        Assert.That(a.Call("setban", "127.0.0.0/8", "remove"), Is.Null);
        await WaitUntil(() => (int)a.Call("getconnectioncount")! == 1, "b's next retry gets in once the ban is lifted");
        Assert.That(a.Call("setban", "10.0.0.1", "add"), Is.Null);
        Assert.That(a.Call("clearbanned"), Is.Null);
        Assert.That(a.Call("listbanned")!.AsArray(), Is.Empty);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task APaymentIsRelayedAndListedByGetrawmempool()
    {
        await using var a = MaturedChain.Open();
        await using var b = MaturedChain.Open();
        var aNetwork = a.Host.StartNetwork(Listening);
        b.Host.StartNetwork(new P2pOptions { Connect = [new IPEndPoint(IPAddress.Loopback, aNetwork.ListenPort)] });
        await WaitUntil(() => (int)a.Call("getconnectioncount")! == 1, "b connects");
        string txid = (string)a.Call("sendtoaddress", b.Host.Wallet.GetNewAddress("payee"), 1.5)!;
        await WaitUntil(() => b.Call("getrawmempool")!.AsArray().Any(t => (string)t! == txid), "the payment reaches b's mempool");
        var verbose = b.Call("getrawmempool", true)!.AsObject();
        Assert.That(verbose.ContainsKey(txid));
        Assert.That((int)verbose[txid]!["vsize"]!, Is.GreaterThan(100));
        Assert.That(a.Call("getrawmempool")!.AsArray().Select(t => (string)t!), Is.EqualTo(new[] { txid }));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ANodeThatDialsItselfDropsTheConnection()
    {
        await using var a = TestNode.Open();
        var lines = new List<string>();
        a.Host.NetworkLog += line => { lock (lines) lines.Add(line); };
        var network = a.Host.StartNetwork(Listening);
        Assert.That(a.Call("addnode", $"127.0.0.1:{network.ListenPort}", "onetry"), Is.Null);
        await WaitUntil(() => { lock (lines) return lines.Any(l => l.Contains("connected to itself")); }, "the self-connection is detected");
        await WaitUntil(() => network.AllPeers().Count == 0, "both ends of the self-connection close");
        Assert.That((int)a.Call("getconnectioncount")!, Is.EqualTo(0));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AtTheConnectionLimitANewInboundPeerIsRefused()
    {
        // Two slots, both taken by inbound peers that are protected (fewer than 4 + 4 inbound): nobody is evicted.
        await using var a = TestNode.Open();
        var network = a.Host.StartNetwork(Listening with { MaxConnections = 2 });
        var peers = new List<TestNode>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var peer = TestNode.Open();
                peers.Add(peer);
                peer.Host.StartNetwork(new P2pOptions { Connect = [new IPEndPoint(IPAddress.Loopback, network.ListenPort)] });
                if (i < 2) await WaitUntil(() => network.ReadyPeers().Count == i + 1, $"peer {i + 1} connects");
            }
            await Task.Delay(2000); // the third keeps retrying every 2 s
            Assert.That(network.AllPeers(), Has.Count.EqualTo(2), "the third connection is refused");
            Assert.That((int)peers[2].Call("getconnectioncount")!, Is.EqualTo(0));
        }
        finally
        {
            foreach (var peer in peers) await peer.DisposeAsync();
        }
    }

    [Test]
    public async Task WithoutTheNetworkTheRpcsSaySo()
    {
        await using var node = TestNode.Open();
        Assert.That(node.Fails("getpeerinfo").Code, Is.EqualTo(RpcErrorCode.ClientP2pDisabled));
        Assert.That(node.Fails("addnode", "127.0.0.1:1", "add").Code, Is.EqualTo(RpcErrorCode.ClientP2pDisabled));
    }
}
