using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TensorCash.Node.P2p;

/// <summary>
/// Parses the subnet text of setban ("1.2.3.4", "1.2.3.0/24", "::1", "2001:db8::/32") into a canonical
/// <see cref="IPNetwork"/>. Stricter than <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>, which reads "1.2.3" as
/// 1.2.0.3 and "010.0.0.1" as octal: a ban on a different address than the operator meant is worse than an error.
/// Host bits are zeroed ("1.2.3.4/24" bans 1.2.3.0/24, as in Bitcoin Core), and IPv4-mapped IPv6 subnets become IPv4.
/// </summary>
internal static class SubnetParser
{
    public const int IPv4Bits = 32;
    public const int IPv6Bits = 128;

    /// <summary>The width of the ::ffff:0:0/96 prefix that IPv4-mapped IPv6 addresses share.</summary>
    private const int MappedPrefixBits = 96;

    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        int slash = text.IndexOf('/');
        string addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address)) return false;

        int maxBits = address.AddressFamily == AddressFamily.InterNetwork ? IPv4Bits : IPv6Bits;
        int prefix = maxBits;
        if (slash >= 0)
        {
            string prefixText = text[(slash + 1)..];
            // Digits only: int.Parse would also take signs and surrounding spaces.
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit)) return false;
            prefix = int.Parse(prefixText, CultureInfo.InvariantCulture);
            if (prefix > maxBits) return false;
        }

        if (address.IsIPv4MappedToIPv6 && prefix >= MappedPrefixBits)
        {
            address = address.MapToIPv4();
            prefix -= MappedPrefixBits;
        }
        network = new IPNetwork(ZeroHostBits(address, prefix), prefix);
        return true;
    }

    /// <summary>
    /// A strict dotted quad for IPv4, or an IPv6 address (it contains ':') without a zone id. Also used for the
    /// addresses in peers.json, which are written in exactly these forms.
    /// </summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            // A zone id (fe80::1%eth0) names an interface of this machine, meaningless in a ban.
            if (text.Contains('%') || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6) return false;
            address = v6;
            return true;
        }
        string[] parts = text.Split('.');
        if (parts.Length != 4) return false;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            string part = parts[i];
            // No leading zeros: elsewhere "010" means octal 8, so it is ambiguous.
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')) return false;
            int value = int.Parse(part, CultureInfo.InvariantCulture);
            if (value > byte.MaxValue) return false;
            bytes[i] = (byte)value;
        }
        address = new IPAddress(bytes);
        return true;
    }

    private static IPAddress ZeroHostBits(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }
}
