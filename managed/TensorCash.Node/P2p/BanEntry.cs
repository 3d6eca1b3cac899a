namespace TensorCash.Node.P2p;

/// <summary>
/// One ban as listbanned shows it: the subnet in canonical form ("1.2.3.0/24", "1.2.3.4/32", "::1/128"), when it
/// was set, when it lapses, and why. Times are whole seconds, as stored in banlist.json.
/// </summary>
public sealed record BanEntry(string Subnet, DateTimeOffset CreatedAt, DateTimeOffset BannedUntil, string Reason);
