using System.Net;
using System.Text.Json;

namespace TensorCash.Node.P2p;

/// <summary>
/// Addresses and subnets the node refuses to talk to (Bitcoin Core's banman, behind setban, listbanned and
/// clearbanned), kept in DATADIR/banlist.json so a ban outlives a restart. Bans lapse on their own; expired entries
/// never match and are swept when listed. The list is bounded (<see cref="MaxEntries"/>) because bans may be set
/// automatically for misbehaviour, and a flood of misbehaving addresses must not grow it without limit.
/// </summary>
public sealed class BanList
{
    public const string FileName = "banlist.json";

    /// <summary>How many bans are kept at most; <see cref="Ban"/> refuses new subnets beyond it.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Reasons longer than this are cut: they may quote peer-supplied text and are stored on disk.</summary>
    public const int MaxReasonLength = 256;

    /// <summary>The banlist.json format version this code writes and accepts.</summary>
    public const int FileVersion = 1;

    /// <summary>How long a ban lasts when setban gives no duration (Bitcoin Core's default, 24 hours).</summary>
    public static readonly TimeSpan DefaultBanDuration = TimeSpan.FromHours(24);

    private sealed record ActiveBan(IPNetwork Network, BanEntry Entry);

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, ActiveBan> _bans = [];

    /// <summary>Opens the ban list in <paramref name="dataDirectory"/>, loading banlist.json when it exists.</summary>
    public BanList(string dataDirectory, TimeProvider? clock = null)
    {
        _path = Path.Combine(dataDirectory, FileName);
        _clock = clock ?? TimeProvider.System;
        LoadWarning = Load();
    }

    /// <summary>Set when banlist.json was corrupt: it was renamed to banlist.json.bad and the list started empty.</summary>
    public string? LoadWarning { get; }

    /// <summary>Now, truncated to whole seconds so what is held in memory equals what banlist.json stores.</summary>
    private DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds(_clock.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>
    /// Bans <paramref name="subnet"/> for <paramref name="duration"/> (default <see cref="DefaultBanDuration"/>) and
    /// saves. Banning an already banned subnet keeps the later of the two expiries (a shorter ban never shortens a
    /// longer one). Returns false, changing nothing, when the list already holds <see cref="MaxEntries"/> other bans.
    /// Throws ArgumentException for text that is not an address or subnet, or a duration that is not positive, and an
    /// IOException when the file cannot be written (the ban is then in force but not persisted).
    /// </summary>
    public bool Ban(string subnet, TimeSpan? duration, string reason)
    {
        var network = Parse(subnet);
        TimeSpan length = duration ?? DefaultBanDuration;
        if (length <= TimeSpan.Zero)
            throw new ArgumentException($"setban: the ban duration must be positive, not {length}", nameof(duration));
        reason ??= "";
        if (reason.Length > MaxReasonLength) reason = reason[..MaxReasonLength];

        lock (_lock)
        {
            var now = Now;
            SweepExpired(now);
            // A duration past the end of the calendar means "forever"; clamp rather than overflow.
            var until = length >= DateTimeOffset.MaxValue - now
                ? DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                : DateTimeOffset.FromUnixTimeSeconds((now + length).ToUnixTimeSeconds());
            string key = network.ToString();
            if (_bans.TryGetValue(key, out var existing))
            {
                if (until <= existing.Entry.BannedUntil) return true; // already banned at least this long
                _bans[key] = existing with { Entry = existing.Entry with { BannedUntil = until, Reason = reason } };
            }
            else
            {
                if (_bans.Count >= MaxEntries) return false;
                _bans[key] = new ActiveBan(network, new BanEntry(key, now, until, reason));
            }
            Save();
            return true;
        }
    }

    /// <summary>Lifts the ban on <paramref name="subnet"/> (in any spelling of it) and saves; false when it was not banned.</summary>
    public bool Unban(string subnet)
    {
        var network = Parse(subnet);
        lock (_lock)
        {
            SweepExpired(Now);
            if (!_bans.Remove(network.ToString())) return false;
            Save();
            return true;
        }
    }

    /// <summary>Lifts every ban and saves (clearbanned).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _bans.Clear();
            Save();
        }
    }

    /// <summary>Whether an unexpired ban covers <paramref name="address"/>; IPv4-mapped IPv6 addresses match IPv4 bans.</summary>
    public bool IsBanned(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        // IPNetwork.Contains maps such addresses itself today; normalising here does not depend on that.
        address = AddressRules.Normalize(address);
        lock (_lock)
        {
            var now = Now;
            foreach (var ban in _bans.Values)
                if (ban.Entry.BannedUntil > now && ban.Network.Contains(address)) return true;
            return false;
        }
    }

    /// <summary>The unexpired bans, oldest first (listbanned); expired ones are dropped from the list on the way.</summary>
    public IReadOnlyList<BanEntry> List()
    {
        lock (_lock)
        {
            SweepExpired(Now);
            return _bans.Values.Select(b => b.Entry)
                .OrderBy(e => e.CreatedAt).ThenBy(e => e.Subnet, StringComparer.Ordinal).ToArray();
        }
    }

    private static IPNetwork Parse(string subnet) =>
        SubnetParser.TryParse(subnet, out var network) ? network
        : throw new ArgumentException($"setban: '{subnet}' is not an IP address or subnet", nameof(subnet));

    /// <summary>Drops lapsed bans. Caller holds the lock. The file is not rewritten: a load skips them anyway.</summary>
    private void SweepExpired(DateTimeOffset now)
    {
        foreach (var (key, ban) in _bans.ToArray())
            if (ban.Entry.BannedUntil <= now) _bans.Remove(key);
    }

    /// <summary>Writes banlist.json atomically (mode 0600 on Unix). Caller holds the lock.</summary>
    private void Save()
    {
        var now = Now;
        byte[] json = StateFile.ToJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FileVersion);
            writer.WriteStartArray("bans");
            foreach (var ban in _bans.Values)
            {
                if (ban.Entry.BannedUntil <= now) continue;
                writer.WriteStartObject();
                writer.WriteString("subnet", ban.Entry.Subnet);
                writer.WriteNumber("createdAt", ban.Entry.CreatedAt.ToUnixTimeSeconds());
                writer.WriteNumber("bannedUntil", ban.Entry.BannedUntil.ToUnixTimeSeconds());
                writer.WriteString("reason", ban.Entry.Reason);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        StateFile.WriteAtomic(_path, json);
    }

    /// <summary>Loads banlist.json into the (empty) list and returns the warning to report, if any.</summary>
    private string? Load()
    {
        var (document, warning) = StateFile.Load(_path, root =>
            StateFile.VersionOf(root) is not { } version ? "it has no version number"
            : version != FileVersion ? $"version {version} is not the supported version {FileVersion}"
            : !root.TryGetProperty("bans", out var list) || list.ValueKind != JsonValueKind.Array ? "it has no ban list"
            : null);
        if (document is null) return warning;
        using (document)
        {
            var now = Now;
            foreach (var item in document.RootElement.GetProperty("bans").EnumerateArray())
            {
                if (_bans.Count >= MaxEntries) break;
                // Bad rows and lapsed bans are skipped; the rest of the file still counts.
                if (TryReadBan(item) is not { } ban || ban.Entry.BannedUntil <= now) continue;
                if (_bans.TryGetValue(ban.Entry.Subnet, out var existing) && existing.Entry.BannedUntil >= ban.Entry.BannedUntil) continue;
                _bans[ban.Entry.Subnet] = ban;
            }
        }
        return null;
    }

    /// <summary>One row of banlist.json, or null when any field is missing, mistyped or out of range.</summary>
    private static ActiveBan? TryReadBan(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        if (!item.TryGetProperty("subnet", out var subnetText) || subnetText.ValueKind != JsonValueKind.String
            || !SubnetParser.TryParse(subnetText.GetString(), out var network)) return null;
        if (!TryGetTime(item, "createdAt", out var createdAt) || !TryGetTime(item, "bannedUntil", out var until)) return null;
        string reason = item.TryGetProperty("reason", out var reasonText) && reasonText.ValueKind == JsonValueKind.String
            ? reasonText.GetString()! : "";
        if (reason.Length > MaxReasonLength) reason = reason[..MaxReasonLength];
        string key = network.ToString();
        return new ActiveBan(network, new BanEntry(key, createdAt, until, reason));
    }

    private static bool TryGetTime(JsonElement item, string name, out DateTimeOffset time)
    {
        time = default;
        if (!item.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number
            || !element.TryGetInt64(out long seconds)) return false;
        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return false;
        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
