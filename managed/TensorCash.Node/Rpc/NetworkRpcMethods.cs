using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using TensorCash.Node.Hosting;
using TensorCash.Node.P2p;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Node.Rpc;

/// <summary>
/// The peer-to-peer RPCs with Bitcoin Core's names and shapes: getpeerinfo, getconnectioncount, getnetworkinfo,
/// addnode, disconnectnode, setban, listbanned, clearbanned (getchaintips is with the blockchain methods).
/// -31 when the node runs without its network layer (an in-process host that never called StartNetwork).
/// </summary>
public static class NetworkRpcMethods
{
    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        rpc.Register("getpeerinfo", "getpeerinfo",
            "One object per connected peer: id, addr, addrlocal, inbound, manual, services, version, subver, startingheight, " +
            "synced_headers, conntime, lastsend, lastrecv, bytessent, bytesrecv, bytessent_per_msg, bytesrecv_per_msg, pingtime, " +
            "misbehavior_score, inflight_transactions.",
            _ => new JsonArray(Network(node).AllPeers().Select(PeerInfo).ToArray()));

        rpc.Register("getconnectioncount", "getconnectioncount", "The number of connected peers (handshake complete).",
            _ => Network(node).ReadyPeers().Count);

        rpc.Register("getnetworkinfo", "getnetworkinfo",
            "version, subversion, protocolversion, localservices, connections (in, out), the listening port, the known-address " +
            "count and the ban count.",
            _ =>
            {
                var network = Network(node);
                var peers = network.ReadyPeers();
                return new JsonObject
                {
                    ["version"] = ProtocolLimits.ProtocolVersion,
                    ["subversion"] = network.UserAgent,
                    ["protocolversion"] = ProtocolLimits.ProtocolVersion,
                    ["localservices"] = ((ulong)(ServiceFlags.Network | (node.Verifier.ReplayPositions == 0 ? ServiceFlags.FullReplay : 0))).ToString("x16", CultureInfo.InvariantCulture),
                    ["networkactive"] = true,
                    ["connections"] = peers.Count,
                    ["connections_in"] = peers.Count(p => p.Inbound),
                    ["connections_out"] = peers.Count(p => !p.Inbound),
                    ["listening"] = network.ListenPort != 0,
                    ["port"] = network.ListenPort,
                    ["known_addresses"] = network.Addresses.Count,
                    ["banned"] = network.Bans.List().Count,
                    ["totalbytessent"] = network.TotalBytesSent + peers.Sum(p => p.BytesSent),
                    ["totalbytesrecv"] = network.TotalBytesReceived + peers.Sum(p => p.BytesReceived),
                };
            });

        rpc.Register("addnode", "addnode \"node\" \"command\"",
            "command \"add\": keep a connection to node (HOST:PORT) and retry it; \"remove\": stop; \"onetry\": connect once now. " +
            "-23 already added, -24 not added.",
            p =>
            {
                var network = Network(node);
                var endpoint = Endpoint(p.String(0, "node"), node);
                string command = p.String(1, "command");
                if (command is not ("add" or "remove" or "onetry"))
                    throw new RpcException(RpcErrorCode.InvalidParameter, $"addnode: command '{command}' is not add, remove or onetry");
                try
                {
                    network.AddNode(endpoint, command);
                }
                catch (InvalidOperationException e)
                {
                    throw new RpcException(command == "add" ? RpcErrorCode.ClientNodeAlreadyAdded : RpcErrorCode.ClientNodeNotAdded, $"addnode: {e.Message}");
                }
                return null;
            });

        rpc.Register("disconnectnode", "disconnectnode ( \"address\" nodeid )",
            "Disconnects the peer at address (HOST:PORT as getpeerinfo's addr), or with nodeid. -29 when no such peer is connected.",
            p =>
            {
                var network = Network(node);
                string? address = p.OptionalString(0, "address");
                long? id = p.Has(1) ? p.Integer(1, "nodeid") : null;
                if (string.IsNullOrEmpty(address) == (id is null))
                    throw new RpcException(RpcErrorCode.InvalidParameter, "disconnectnode: give either address or nodeid");
                var endpoint = string.IsNullOrEmpty(address) ? null : Endpoint(address, node);
                if (!network.DisconnectNode(endpoint, id))
                    throw new RpcException(RpcErrorCode.ClientNodeNotConnected, $"disconnectnode: no peer {(endpoint?.ToString() ?? $"with id {id}")} is connected");
                return null;
            });

        rpc.Register("setban", "setban \"subnet\" \"command\" ( bantime absolute )",
            "command \"add\": ban subnet (an IP, or IP/prefix) for bantime seconds (default 86400; with absolute=true, until that " +
            "Unix time) and disconnect its peers; \"remove\": lift it. -30 bad subnet, -23 already banned, -30 not banned.",
            p =>
            {
                var network = Network(node);
                string subnet = p.String(0, "subnet");
                string command = p.String(1, "command");
                try
                {
                    switch (command)
                    {
                        case "add":
                        {
                            long bantime = p.OptionalInteger(2, "bantime", 0);
                            bool absolute = p.Boolean(3, "absolute", false);
                            TimeSpan? duration = bantime <= 0 ? null
                                : absolute ? DateTimeOffset.FromUnixTimeSeconds(bantime) - DateTimeOffset.UtcNow
                                : TimeSpan.FromSeconds(bantime);
                            if (duration is { } d && d <= TimeSpan.Zero)
                                throw new RpcException(RpcErrorCode.InvalidParameter, $"setban: absolute time {bantime} is in the past");
                            if (network.Bans.List().Any(b => SameSubnet(b.Subnet, subnet)))
                                throw new RpcException(RpcErrorCode.ClientNodeAlreadyAdded, $"setban: {subnet} is already banned");
                            if (!network.Ban(subnet, duration, "manually added (setban)"))
                                throw new RpcException(RpcErrorCode.MiscError, $"setban: the ban list is full ({BanList.MaxEntries} entries)");
                            return null;
                        }
                        case "remove":
                            if (!network.Bans.Unban(subnet))
                                throw new RpcException(RpcErrorCode.ClientInvalidIpOrSubnet, $"setban: {subnet} is not banned");
                            return null;
                        default:
                            throw new RpcException(RpcErrorCode.InvalidParameter, $"setban: command '{command}' is not add or remove");
                    }
                }
                catch (ArgumentException e)
                {
                    throw new RpcException(RpcErrorCode.ClientInvalidIpOrSubnet, e.Message);
                }
            });

        rpc.Register("listbanned", "listbanned", "The banned subnets: address, ban_created, banned_until, ban_duration, time_remaining, reason.",
            _ =>
            {
                long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                return new JsonArray(Network(node).Bans.List().Select(b => (JsonNode)new JsonObject
                {
                    ["address"] = b.Subnet,
                    ["ban_created"] = b.CreatedAt.ToUnixTimeSeconds(),
                    ["banned_until"] = b.BannedUntil.ToUnixTimeSeconds(),
                    ["ban_duration"] = b.BannedUntil.ToUnixTimeSeconds() - b.CreatedAt.ToUnixTimeSeconds(),
                    ["time_remaining"] = Math.Max(0, b.BannedUntil.ToUnixTimeSeconds() - now),
                    ["reason"] = b.Reason,
                }).ToArray());
            });

        rpc.Register("clearbanned", "clearbanned", "Lifts every ban.", _ =>
        {
            Network(node).Bans.Clear();
            return null;
        });
    }

    private static ConnectionManager Network(NodeHost node) =>
        node.Network ?? throw new RpcException(RpcErrorCode.ClientP2pDisabled, "the peer-to-peer network is not running on this node");

    private static IPEndPoint Endpoint(string text, NodeHost node)
    {
        try
        {
            return PeerEndpoint.Parse(text, "node", node.Parameters.DefaultP2pPort);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(RpcErrorCode.InvalidParameter, e.Message);
        }
    }

    private static bool SameSubnet(string listed, string given)
    {
        string canonical = given.Contains('/') ? given : given + (given.Contains(':') ? "/128" : "/32");
        return string.Equals(listed, canonical, StringComparison.OrdinalIgnoreCase);
    }

    private static JsonNode PeerInfo(Peer peer)
    {
        static JsonObject PerMessage(IEnumerable<KeyValuePair<string, long>> counts)
        {
            var result = new JsonObject();
            foreach (var (command, bytes) in counts.OrderBy(c => c.Key, StringComparer.Ordinal)) result[command] = bytes;
            return result;
        }
        var version = peer.Version;
        int inflight;
        lock (peer.TransactionsInFlight) inflight = peer.TransactionsInFlight.Count;
        return new JsonObject
        {
            ["id"] = peer.Id,
            ["addr"] = peer.RemoteEndPoint.ToString(),
            ["addrlocal"] = peer.LocalEndPoint.ToString(),
            ["inbound"] = peer.Inbound,
            ["manual"] = peer.Manual,
            ["handshake_complete"] = peer.HandshakeComplete,
            ["services"] = ((ulong)(version?.Services ?? ServiceFlags.None)).ToString("x16", CultureInfo.InvariantCulture),
            ["version"] = version?.Version ?? 0,
            ["subver"] = version?.UserAgent ?? "",
            ["startingheight"] = version?.StartHeight ?? -1,
            ["synced_headers"] = peer.BestKnownHeight,
            ["conntime"] = peer.ConnectedAt.ToUnixTimeSeconds(),
            ["lastsend"] = peer.LastSend.ToUnixTimeSeconds(),
            ["lastrecv"] = peer.LastReceive.ToUnixTimeSeconds(),
            ["bytessent"] = peer.BytesSent,
            ["bytesrecv"] = peer.BytesReceived,
            ["bytessent_per_msg"] = PerMessage(peer.BytesSentPerMessage),
            ["bytesrecv_per_msg"] = PerMessage(peer.BytesReceivedPerMessage),
            ["pingtime"] = peer.PingTime is { } ping ? Math.Round(ping.TotalSeconds, 6) : null,
            ["misbehavior_score"] = peer.MisbehaviourScore,
            ["inflight_transactions"] = inflight,
        };
    }
}
