using System.Net;
using System.Net.Sockets;

namespace TensorCash.Node.P2p;

/// <summary>
/// What counts as the same address, which addresses are worth keeping, and which addresses belong to one "group"
/// (one operator can cheaply own many addresses inside a /16 or an IPv6 /32, but rarely many such blocks). Shared by
/// the address manager and the ban list so both see an IPv4-mapped IPv6 address as the IPv4 address it is.
/// </summary>
internal static class AddressRules
{
    /// <summary>IPv4 addresses are grouped by their first 16 bits.</summary>
    public const int IPv4GroupBits = 16;

    /// <summary>IPv6 addresses are grouped by their first 32 bits (a typical provider allocation).</summary>
    public const int IPv6GroupBits = 32;

    /// <summary>
    /// An IPv4-mapped IPv6 address (::ffff:1.2.3.4, what a dual-stack socket reports) becomes plain IPv4, so one host
    /// is never stored, banned or counted twice under two spellings.
    /// </summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static IPEndPoint Normalize(IPEndPoint endpoint) => new(Normalize(endpoint.Address), endpoint.Port);

    /// <summary>
    /// Whether an (already normalised) endpoint can be dialled at all: not port 0, not the unspecified address, not
    /// multicast or broadcast. Loopback and private addresses are kept: regtest and the tests run on 127.0.0.1.
    /// </summary>
    public static bool IsConnectable(IPEndPoint endpoint)
    {
        if (endpoint.Port is <= IPEndPoint.MinPort or > IPEndPoint.MaxPort) return false;
        var address = endpoint.Address;
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                Span<byte> v4 = stackalloc byte[4];
                address.TryWriteBytes(v4, out _);
                if (v4.SequenceEqual(IPAddress.Any.GetAddressBytes())) return false;
                if (v4.SequenceEqual(IPAddress.Broadcast.GetAddressBytes())) return false;
                return v4[0] is < 224 or > 239; // 224.0.0.0/4 is multicast
            case AddressFamily.InterNetworkV6:
                return !address.Equals(IPAddress.IPv6Any) && !address.IsIPv6Multicast;
            default:
                return false;
        }
    }

    /// <summary>A stable key naming the /16 (IPv4) or /32 (IPv6) that contains the (normalised) address.</summary>
    public static string GroupOf(IPAddress address)
    {
        address = Normalize(address);
        byte[] bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? $"{bytes[0]}.{bytes[1]}.0.0/{IPv4GroupBits}"
            : $"{new IPAddress([.. bytes[..4], .. new byte[12]])}/{IPv6GroupBits}";
    }
}
