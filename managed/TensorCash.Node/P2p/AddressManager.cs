using System.Net;
using System.Text.Json;

namespace TensorCash.Node.P2p;

/// <summary>
/// The node's table of known peer addresses (a small cousin of Bitcoin Core's addrman): where outbound connections
/// are chosen from, what a getaddr is answered with, and what survives a restart in DATADIR/peers.json so the node
/// does not depend on seeds every time it starts.
/// <para>
/// Addresses arrive from peers, which may lie, so the table defends itself: it is bounded (<see cref="MaxEntries"/>),
/// one source group may own only <see cref="MaxEntriesPerSourceGroup"/> entries (a single peer, or many peers in one
/// /16, cannot fill it with addresses it controls), and when full it evicts the stalest address that never completed
/// a handshake before touching one that did. Addresses we actually connected to are preferred by
/// <see cref="Select"/>, because they are the ones known not to be invented.
/// </para>
/// </summary>
public sealed class AddressManager
{
    public const string FileName = "peers.json";

    /// <summary>Total addresses kept; bounds memory and the size of peers.json.</summary>
    public const int MaxEntries = 4096;

    /// <summary>
    /// Entries that addresses learned from one /16 (IPv4) or /32 (IPv6) source group may occupy, so one peer cannot
    /// fill the table (an eclipse attack needs most of our candidates to be its own).
    /// </summary>
    public const int MaxEntriesPerSourceGroup = 64;

    /// <summary>What <see cref="GetAddresses"/> returns at most: the size of one addr reply to getaddr.</summary>
    public const int MaxAddressesPerReply = 1000;

    /// <summary>The peers.json format version this code writes and accepts.</summary>
    public const int FileVersion = 1;

    /// <summary>Select skips an address whose connection attempt started this recently, so a dead peer is not redialled in a loop.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>One row of the table. Timestamps are Unix seconds; 0 means "never".</summary>
    private sealed class Entry(IPEndPoint endpoint, string sourceGroup)
    {
        public IPEndPoint Endpoint { get; } = endpoint;
        public string SourceGroup { get; } = sourceGroup;
        public ulong Services;
        public long LastSeen;
        public long LastGood;
        public long LastAttempt;

        public PeerAddress ToPeerAddress() => new(new IPEndPoint(Endpoint.Address, Endpoint.Port), Services, LastSeen);
    }

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly Dictionary<IPEndPoint, Entry> _entries = [];
    private readonly Dictionary<string, int> _entriesPerSourceGroup = [];

    /// <summary>Opens the table in <paramref name="dataDirectory"/>, loading peers.json when it exists.</summary>
    public AddressManager(string dataDirectory, TimeProvider? clock = null)
    {
        _path = Path.Combine(dataDirectory, FileName);
        _clock = clock ?? TimeProvider.System;
        LoadWarning = Load();
    }

    /// <summary>Set when peers.json was corrupt: it was renamed to peers.json.bad and the table started empty.</summary>
    public string? LoadWarning { get; }

    public int Count { get { lock (_lock) return _entries.Count; } }

    /// <summary>Whether the table holds <paramref name="endpoint"/> (for tests: which entry eviction chose).</summary>
    internal bool Contains(IPEndPoint endpoint)
    {
        lock (_lock) return _entries.ContainsKey(AddressRules.Normalize(endpoint));
    }

    private long Now => _clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// Adds addresses learned from the peer at <paramref name="source"/> and returns how many were new. Unconnectable
    /// addresses are refused; a known address only has a newer LastSeen (and the services that came with it) merged;
    /// new addresses beyond the source group's quota are dropped.
    /// </summary>
    public int Add(IEnumerable<PeerAddress> addresses, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(source);
        string group = AddressRules.GroupOf(source);
        int added = 0;
        lock (_lock)
        {
            long now = Now;
            foreach (var address in addresses)
            {
                var endpoint = AddressRules.Normalize(address.Endpoint);
                if (!AddressRules.IsConnectable(endpoint)) continue;
                // A peer's clock (or its lie) must not make an address look fresher than now: that would keep it from
                // ever being evicted.
                long lastSeen = Math.Clamp(address.LastSeenUnix, 0, now);
                if (_entries.TryGetValue(endpoint, out var existing))
                {
                    if (lastSeen > existing.LastSeen)
                    {
                        existing.LastSeen = lastSeen;
                        existing.Services = address.Services;
                    }
                    continue;
                }
                if (_entriesPerSourceGroup.GetValueOrDefault(group) >= MaxEntriesPerSourceGroup) continue;
                Insert(new Entry(endpoint, group) { Services = address.Services, LastSeen = lastSeen });
                added++;
            }
        }
        return added;
    }

    /// <summary>Records that a connection attempt to <paramref name="endpoint"/> starts now (unknown addresses are ignored).</summary>
    public void MarkAttempt(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_lock)
            if (_entries.TryGetValue(AddressRules.Normalize(endpoint), out var entry)) entry.LastAttempt = Now;
    }

    /// <summary>
    /// Records a completed handshake with <paramref name="endpoint"/>, adding it when unknown: an address we have
    /// talked to is the best kind to keep. The per-source quota does not apply, as nobody else vouched for it.
    /// </summary>
    public void MarkGood(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint = AddressRules.Normalize(endpoint);
        if (!AddressRules.IsConnectable(endpoint)) return;
        lock (_lock)
        {
            long now = Now;
            if (!_entries.TryGetValue(endpoint, out var entry))
            {
                entry = new Entry(endpoint, AddressRules.GroupOf(endpoint.Address));
                Insert(entry);
            }
            entry.LastSeen = now;
            entry.LastGood = now;
        }
    }

    /// <summary>
    /// A random candidate for an outbound connection that is not in <paramref name="exclude"/> and was not attempted
    /// within <see cref="RetryAfter"/>, or null when there is none. When both kinds exist, an address that completed a
    /// handshake is chosen with probability 1/2 (they are usually far fewer, so this strongly favours them), otherwise
    /// one never confirmed: new addresses still get tried, so the good set can grow.
    /// </summary>
    public PeerAddress? Select(IReadOnlySet<IPEndPoint> exclude)
    {
        ArgumentNullException.ThrowIfNull(exclude);
        lock (_lock)
        {
            long now = Now;
            var good = new List<Entry>();
            var fresh = new List<Entry>();
            foreach (var entry in _entries.Values)
            {
                if (entry.LastAttempt != 0 && now - entry.LastAttempt < (long)RetryAfter.TotalSeconds) continue;
                if (IsExcluded(entry.Endpoint, exclude)) continue;
                (entry.LastGood != 0 ? good : fresh).Add(entry);
            }
            List<Entry> pool = good.Count == 0 ? fresh
                : fresh.Count == 0 ? good
                : Random.Shared.Next(2) == 0 ? good : fresh;
            return pool.Count == 0 ? null : pool[Random.Shared.Next(pool.Count)].ToPeerAddress();
        }
    }

    /// <summary>A random sample of at most min(<paramref name="max"/>, <see cref="MaxAddressesPerReply"/>) addresses.</summary>
    public IReadOnlyList<PeerAddress> GetAddresses(int max)
    {
        lock (_lock)
        {
            int take = Math.Min(Math.Min(max, MaxAddressesPerReply), _entries.Count);
            if (take <= 0) return [];
            var all = _entries.Values.ToArray();
            // Partial Fisher-Yates: only the first `take` positions need shuffling.
            for (int i = 0; i < take; i++)
            {
                int j = Random.Shared.Next(i, all.Length);
                (all[i], all[j]) = (all[j], all[i]);
            }
            return all.Take(take).Select(e => e.ToPeerAddress()).ToArray();
        }
    }

    /// <summary>
    /// Writes the table to DATADIR/peers.json atomically (mode 0600 on Unix). Throws an IOException naming the path
    /// when that fails; the previous file then stays intact.
    /// </summary>
    public void Save()
    {
        lock (_lock)
        {
            byte[] json = StateFile.ToJson(writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", FileVersion);
                writer.WriteStartArray("addresses");
                foreach (var e in _entries.Values)
                {
                    writer.WriteStartObject();
                    writer.WriteString("address", e.Endpoint.Address.ToString());
                    writer.WriteNumber("port", e.Endpoint.Port);
                    writer.WriteNumber("services", e.Services);
                    writer.WriteNumber("lastSeen", e.LastSeen);
                    writer.WriteNumber("lastGood", e.LastGood);
                    writer.WriteNumber("lastAttempt", e.LastAttempt);
                    writer.WriteString("source", e.SourceGroup);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            StateFile.WriteAtomic(_path, json);
        }
    }

    /// <summary>Whether the caller excluded this endpoint, in either the IPv4 or the IPv4-mapped IPv6 spelling.</summary>
    private static bool IsExcluded(IPEndPoint endpoint, IReadOnlySet<IPEndPoint> exclude) =>
        exclude.Contains(endpoint)
        || (endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && exclude.Contains(new IPEndPoint(endpoint.Address.MapToIPv6(), endpoint.Port)));

    /// <summary>Adds a new entry, first evicting one when the table is full. Caller holds the lock.</summary>
    private void Insert(Entry entry)
    {
        if (_entries.Count >= MaxEntries) Remove(ChooseVictim());
        _entries.Add(entry.Endpoint, entry);
        _entriesPerSourceGroup[entry.SourceGroup] = _entriesPerSourceGroup.GetValueOrDefault(entry.SourceGroup) + 1;
    }

    /// <summary>
    /// The entry to evict: the one with the oldest LastSeen among those never confirmed by a handshake, or the oldest
    /// overall when all were confirmed. Unconfirmed addresses are the cheap ones for an attacker to invent.
    /// </summary>
    private Entry ChooseVictim()
    {
        Entry? oldestUnconfirmed = null, oldest = null;
        foreach (var e in _entries.Values)
        {
            if (oldest is null || e.LastSeen < oldest.LastSeen) oldest = e;
            if (e.LastGood == 0 && (oldestUnconfirmed is null || e.LastSeen < oldestUnconfirmed.LastSeen)) oldestUnconfirmed = e;
        }
        return oldestUnconfirmed ?? oldest!;
    }

    private void Remove(Entry entry)
    {
        _entries.Remove(entry.Endpoint);
        int left = _entriesPerSourceGroup[entry.SourceGroup] - 1;
        if (left == 0) _entriesPerSourceGroup.Remove(entry.SourceGroup);
        else _entriesPerSourceGroup[entry.SourceGroup] = left;
    }

    /// <summary>Loads peers.json into the (empty) table and returns the warning to report, if any.</summary>
    private string? Load()
    {
        var (document, warning) = StateFile.Load(_path, root =>
            StateFile.VersionOf(root) is not { } version ? "it has no version number"
            : version != FileVersion ? $"version {version} is not the supported version {FileVersion}"
            : !root.TryGetProperty("addresses", out var list) || list.ValueKind != JsonValueKind.Array ? "it has no address list"
            : null);
        if (document is null) return warning;
        using (document)
        {
            long now = Now;
            foreach (var item in document.RootElement.GetProperty("addresses").EnumerateArray())
            {
                if (_entries.Count >= MaxEntries) break;
                // A bad row is skipped rather than condemning the file: the rest is still worth having.
                if (TryReadEntry(item, now) is { } entry && !_entries.ContainsKey(entry.Endpoint)) Insert(entry);
            }
        }
        return null;
    }

    /// <summary>One row of peers.json, or null when any field is missing, mistyped or out of range.</summary>
    private static Entry? TryReadEntry(JsonElement item, long now)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        if (!item.TryGetProperty("address", out var addressText) || addressText.ValueKind != JsonValueKind.String
            || !SubnetParser.TryParseAddress(addressText.GetString()!, out var address)) return null;
        if (!TryGetInt64(item, "port", out long port) || port is <= IPEndPoint.MinPort or > IPEndPoint.MaxPort) return null;
        var endpoint = AddressRules.Normalize(new IPEndPoint(address, (int)port));
        if (!AddressRules.IsConnectable(endpoint)) return null;
        if (!item.TryGetProperty("services", out var servicesValue) || servicesValue.ValueKind != JsonValueKind.Number
            || !servicesValue.TryGetUInt64(out ulong services)) return null;
        if (!TryGetInt64(item, "lastSeen", out long lastSeen) || !TryGetInt64(item, "lastGood", out long lastGood)
            || !TryGetInt64(item, "lastAttempt", out long lastAttempt)) return null;
        // The source group only feeds the per-group quota; a missing one is charged to the address's own group.
        string group = item.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String
            ? source.GetString()! : AddressRules.GroupOf(endpoint.Address);
        return new Entry(endpoint, group)
        {
            Services = services,
            // Times from the future (a clock that jumped back) are clamped, as in Add.
            LastSeen = Math.Clamp(lastSeen, 0, now),
            LastGood = Math.Clamp(lastGood, 0, now),
            LastAttempt = Math.Clamp(lastAttempt, 0, now),
        };
    }

    private static bool TryGetInt64(JsonElement item, string name, out long value)
    {
        value = 0;
        return item.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }
}
