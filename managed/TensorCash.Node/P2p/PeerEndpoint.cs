using System.Net;
using System.Net.Sockets;

namespace TensorCash.Node.P2p;

/// <summary>Parses a peer's "HOST:PORT" (--connect, --addnode, the addnode RPC): an IP address or a host name, the port optional.</summary>
public static class PeerEndpoint
{
    /// <exception cref="ArgumentException">Not an address, an unknown host name, or a bad port; the message names <paramref name="what"/>.</exception>
    public static IPEndPoint Parse(string text, string what, int defaultPort)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && (text.Contains(':') || endpoint.Port != 0))
            return endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, defaultPort) : AddressRules.Normalize(endpoint);
        if (IPAddress.TryParse(text, out var bare)) return new IPEndPoint(bare, defaultPort);
        string host = text;
        int port = defaultPort;
        int colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                throw new ArgumentException($"{what}: '{text}' has no valid port (1 to 65535) after the colon");
        }
        if (host.Length == 0) throw new ArgumentException($"{what}: '{text}' names no host");
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"{what}: host '{host}' does not resolve: {e.Message}");
        }
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"{what}: host '{host}' has no address");
        return new IPEndPoint(address, port);
    }
}
