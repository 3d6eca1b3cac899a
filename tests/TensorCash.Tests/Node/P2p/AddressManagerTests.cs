using System.Net;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Node.P2p;

namespace TensorCash.Tests.Node.P2p;

public class AddressManagerTests
{
    private DirectoryInfo _dir = null!;
    private ManualClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("tc-addrman-");
        _clock = new ManualClock();
    }

    [TearDown]
    public void TearDown() => _dir.Delete(recursive: true);

    private string PeersPath => Path.Combine(_dir.FullName, AddressManager.FileName);

    private AddressManager Open() => new(_dir.FullName, _clock);

    private static IPEndPoint Ep(string address, int port = 8333) => new(IPAddress.Parse(address), port);

    private PeerAddress Addr(string address, int port = 8333, ulong services = 1, long? lastSeen = null) =>
        new(Ep(address, port), services, lastSeen ?? _clock.UnixNow - 60);

    private static readonly IPAddress Source = IPAddress.Parse("203.0.113.7");

    /// <summary>A distinct address for each index, spread so that no /16 source quota is involved.</summary>
    private static string Numbered(int i) => $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}";

    /// <summary>Fills the table with <paramref name="count"/> addresses, each source group staying within its quota.</summary>
    private void Fill(AddressManager manager, int count, Func<int, long> lastSeen)
    {
        for (int first = 0; first < count; first += AddressManager.MaxEntriesPerSourceGroup)
        {
            int n = Math.Min(AddressManager.MaxEntriesPerSourceGroup, count - first);
            var batch = Enumerable.Range(first, n).Select(i => Addr(Numbered(i), lastSeen: lastSeen(i)));
            var source = IPAddress.Parse($"198.{first / AddressManager.MaxEntriesPerSourceGroup}.0.1");
            Assert.That(manager.Add(batch, source), Is.EqualTo(n));
        }
    }

    [Test]
    public void Random_addresses_survive_save_and_reload()
    {
        var address =
            from a in Gen.Choose(1, 223) // 0.x and 224+ are unspecified, multicast or reserved
            from b in Gen.Choose(0, 255)
            from c in Gen.Choose(0, 255)
            from d in Gen.Choose(0, 255)
            from port in Gen.Choose(1, 65535)
            from services in Gen.Choose(0, int.MaxValue)
            from age in Gen.Choose(0, 1_000_000)
            select new PeerAddress(new IPEndPoint(new IPAddress([(byte)a, (byte)b, (byte)c, (byte)d]), port),
                (ulong)services << 20 | 1, ManualClock.Start.ToUnixTimeSeconds() - age);
        var lists = address.ListOf().Select(l => l.DistinctBy(a => a.Endpoint).Take(AddressManager.MaxEntriesPerSourceGroup).ToList()).ToArbitrary();
        int run = 0;
        Prop.ForAll(lists, addresses =>
        {
            var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, $"run{run++}")).FullName;
            var manager = new AddressManager(dir, _clock);
            if (manager.Add(addresses, Source) != addresses.Count) return false;
            manager.Save();
            var reloaded = new AddressManager(dir, _clock);
            var key = (PeerAddress a) => a.Endpoint.ToString();
            return reloaded.LoadWarning is null
                && reloaded.GetAddresses(int.MaxValue).OrderBy(key).SequenceEqual(addresses.OrderBy(key));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Test]
    public void Handshakes_and_attempts_survive_a_reload()
    {
        var manager = Open();
        manager.Add([Addr("1.2.3.4"), Addr("5.6.7.8")], Source);
        manager.MarkGood(Ep("1.2.3.4"));
        manager.MarkAttempt(Ep("5.6.7.8"));
        manager.Save();

        var reloaded = Open();
        // 5.6.7.8 is still inside its retry window, so only the good one can be chosen.
        for (int i = 0; i < 20; i++) Assert.That(reloaded.Select(new HashSet<IPEndPoint>())?.Endpoint, Is.EqualTo(Ep("1.2.3.4")));
        // Fill the table with fresher addresses: the good entry, now the stalest, outlives eviction only if its
        // handshake was reloaded.
        _clock.Advance(TimeSpan.FromHours(1));
        Fill(reloaded, AddressManager.MaxEntries, i => _clock.UnixNow);
        Assert.That(reloaded.Contains(Ep("1.2.3.4")), Is.True);
        Assert.That(reloaded.Contains(Ep("5.6.7.8")), Is.False);
    }

    [Test]
    public void A_corrupt_file_is_moved_aside_with_a_warning_and_the_table_starts_empty()
    {
        File.WriteAllText(PeersPath, "this is { not json");
        var manager = Open();
        Assert.That(manager.LoadWarning, Does.Contain(PeersPath).And.Contain("corrupt"));
        Assert.That(manager.Count, Is.Zero);
        Assert.That(File.Exists(PeersPath), Is.False);
        Assert.That(File.ReadAllText(PeersPath + ".bad"), Is.EqualTo("this is { not json"));
        // The next save writes a fresh file and leaves the bad one alone.
        manager.Add([Addr("1.2.3.4")], Source);
        manager.Save();
        Assert.That(Open().Count, Is.EqualTo(1));
        Assert.That(File.Exists(PeersPath + ".bad"), Is.True);
    }

    [Test]
    public void A_file_of_another_version_counts_as_corrupt()
    {
        const string future = """{"version": 99, "addresses": [{"address": "1.2.3.4", "port": 8333, "services": 1, "lastSeen": 0, "lastGood": 0, "lastAttempt": 0}]}""";
        File.WriteAllText(PeersPath, future);
        var manager = Open();
        Assert.That(manager.LoadWarning, Does.Contain("version 99"));
        Assert.That(manager.Count, Is.Zero);
        Assert.That(File.ReadAllText(PeersPath + ".bad"), Is.EqualTo(future));
    }

    [Test]
    public void Bad_rows_are_skipped_and_the_rest_is_loaded()
    {
        File.WriteAllText(PeersPath, """
            {"version": 1, "addresses": [
              {"address": "1.2.3.4", "port": 8333, "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0},
              {"address": "1.2.3", "port": 8333, "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0},
              {"address": "1.2.3.5", "port": 70000, "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0},
              {"address": "1.2.3.6", "port": 0, "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0},
              {"address": "224.0.0.1", "port": 8333, "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0},
              {"address": "1.2.3.7", "port": "8333", "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0},
              42
            ]}
            """);
        var manager = Open();
        Assert.That(manager.LoadWarning, Is.Null);
        Assert.That(manager.Count, Is.EqualTo(1));
        Assert.That(manager.Contains(Ep("1.2.3.4")), Is.True);
    }

    [Test]
    public void Loading_reads_at_most_MaxEntries_rows()
    {
        var rows = Enumerable.Range(0, AddressManager.MaxEntries + 10).Select(i =>
            $$"""{"address": "{{Numbered(i)}}", "port": 8333, "services": 1, "lastSeen": 5, "lastGood": 0, "lastAttempt": 0}""");
        File.WriteAllText(PeersPath, $$"""{"version": 1, "addresses": [{{string.Join(",", rows)}}]}""");
        Assert.That(Open().Count, Is.EqualTo(AddressManager.MaxEntries));
    }

    [TestCase("1.2.3.4", 0)]
    [TestCase("0.0.0.0", 8333)]
    [TestCase("::", 8333)]
    [TestCase("224.0.0.1", 8333)]
    [TestCase("239.255.255.255", 8333)]
    [TestCase("ff02::1", 8333)]
    [TestCase("255.255.255.255", 8333)]
    public void Unconnectable_addresses_are_refused(string address, int port)
    {
        var manager = Open();
        Assert.That(manager.Add([Addr(address, port)], Source), Is.Zero);
        manager.MarkGood(Ep(address, port));
        Assert.That(manager.Count, Is.Zero);
    }

    [Test]
    public void Loopback_addresses_are_accepted()
    {
        var manager = Open();
        Assert.That(manager.Add([Addr("127.0.0.1", 18444), Addr("::1", 18444)], IPAddress.Loopback), Is.EqualTo(2));
        Assert.That(manager.Count, Is.EqualTo(2));
    }

    [Test]
    public void IPv4_mapped_IPv6_addresses_are_stored_as_IPv4()
    {
        var manager = Open();
        Assert.That(manager.Add([Addr("::ffff:1.2.3.4")], Source), Is.EqualTo(1));
        Assert.That(manager.Add([Addr("1.2.3.4")], Source), Is.Zero);
        Assert.That(manager.GetAddresses(10).Single().Endpoint, Is.EqualTo(Ep("1.2.3.4")));
        Assert.That(manager.Contains(Ep("::ffff:1.2.3.4")), Is.True);
    }

    [Test]
    public void A_known_address_only_takes_a_newer_last_seen_and_its_services()
    {
        var manager = Open();
        long now = _clock.UnixNow;
        manager.Add([Addr("1.2.3.4", services: 1, lastSeen: now - 100)], Source);
        Assert.That(manager.Add([Addr("1.2.3.4", services: 9, lastSeen: now - 50)], Source), Is.Zero);
        Assert.That(manager.GetAddresses(1).Single(), Is.EqualTo(Addr("1.2.3.4", services: 9, lastSeen: now - 50)));
        manager.Add([Addr("1.2.3.4", services: 5, lastSeen: now - 200)], Source);
        Assert.That(manager.GetAddresses(1).Single(), Is.EqualTo(Addr("1.2.3.4", services: 9, lastSeen: now - 50)));
        // A time in the future is clamped to now, so a peer cannot make its address look fresh forever.
        manager.Add([Addr("1.2.3.4", services: 9, lastSeen: now + 1_000_000)], Source);
        Assert.That(manager.GetAddresses(1).Single().LastSeenUnix, Is.EqualTo(now));
    }

    [Test]
    public void A_full_table_evicts_the_oldest_address_that_never_completed_a_handshake()
    {
        var manager = Open();
        manager.MarkGood(Ep("9.9.9.9"));   // confirmed, and the stalest entry of all
        _clock.Advance(TimeSpan.FromHours(2));
        long start = _clock.UnixNow - AddressManager.MaxEntries;
        Fill(manager, AddressManager.MaxEntries - 1, i => start + i);
        Assert.That(manager.Count, Is.EqualTo(AddressManager.MaxEntries));

        Assert.That(manager.Add([Addr("1.2.3.4")], Source), Is.EqualTo(1));
        Assert.That(manager.Count, Is.EqualTo(AddressManager.MaxEntries));
        Assert.That(manager.Contains(Ep("1.2.3.4")), Is.True);
        Assert.That(manager.Contains(Ep("9.9.9.9")), Is.True, "the confirmed address must not be evicted");
        Assert.That(manager.Contains(Ep(Numbered(0))), Is.False, "the oldest unconfirmed address goes first");
        Assert.That(manager.Contains(Ep(Numbered(1))), Is.True);
    }

    [Test]
    public void When_every_address_was_confirmed_the_oldest_overall_is_evicted()
    {
        var manager = Open();
        Fill(manager, AddressManager.MaxEntries, i => 0);
        // MarkGood stamps LastSeen with now, so confirm them in order with the clock moving: index 0 ends up oldest.
        for (int i = 0; i < AddressManager.MaxEntries; i++)
        {
            manager.MarkGood(Ep(Numbered(i)));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        manager.Add([Addr("1.2.3.4")], Source);
        Assert.That(manager.Contains(Ep(Numbered(0))), Is.False);
        Assert.That(manager.Contains(Ep(Numbered(1))), Is.True);
        Assert.That(manager.Contains(Ep("1.2.3.4")), Is.True);
    }

    [Test]
    public void One_source_group_cannot_insert_more_than_its_quota()
    {
        var manager = Open();
        var many = Enumerable.Range(0, 3 * AddressManager.MaxEntriesPerSourceGroup).Select(i => Addr(Numbered(i))).ToList();
        Assert.That(manager.Add(many, IPAddress.Parse("1.2.3.4")), Is.EqualTo(AddressManager.MaxEntriesPerSourceGroup));
        // Another peer in the same /16 shares the quota; one in another /16 does not.
        Assert.That(manager.Add(many, IPAddress.Parse("1.2.200.200")), Is.Zero);
        Assert.That(manager.Add(many, IPAddress.Parse("::ffff:1.2.9.9")), Is.Zero);
        Assert.That(manager.Add(many, IPAddress.Parse("1.3.0.1")), Is.EqualTo(AddressManager.MaxEntriesPerSourceGroup));
        Assert.That(manager.Count, Is.EqualTo(2 * AddressManager.MaxEntriesPerSourceGroup));
    }

    [Test]
    public void An_IPv6_source_group_is_its_slash_32()
    {
        var manager = Open();
        var many = Enumerable.Range(0, 2 * AddressManager.MaxEntriesPerSourceGroup).Select(i => Addr(Numbered(i))).ToList();
        Assert.That(manager.Add(many, IPAddress.Parse("2001:db8:1::1")), Is.EqualTo(AddressManager.MaxEntriesPerSourceGroup));
        Assert.That(manager.Add(many, IPAddress.Parse("2001:db8:ffff::1")), Is.Zero);
        Assert.That(manager.Add(many, IPAddress.Parse("2001:db9::1")), Is.EqualTo(AddressManager.MaxEntriesPerSourceGroup));
    }

    [Test]
    public void Select_never_returns_an_excluded_address()
    {
        var manager = Open();
        manager.Add([Addr("1.1.1.1"), Addr("2.2.2.2"), Addr("3.3.3.3")], Source);
        // The caller may hold a dual-stack socket's IPv4-mapped spelling.
        var exclude = new HashSet<IPEndPoint> { Ep("1.1.1.1"), Ep("::ffff:2.2.2.2") };
        for (int i = 0; i < 50; i++) Assert.That(manager.Select(exclude)?.Endpoint, Is.EqualTo(Ep("3.3.3.3")));
        exclude.Add(Ep("3.3.3.3"));
        Assert.That(manager.Select(exclude), Is.Null);
    }

    [Test]
    public void Select_skips_an_address_attempted_within_RetryAfter()
    {
        var manager = Open();
        manager.Add([Addr("1.1.1.1")], Source);
        manager.MarkAttempt(Ep("1.1.1.1"));
        Assert.That(manager.Select(new HashSet<IPEndPoint>()), Is.Null);
        _clock.Advance(AddressManager.RetryAfter - TimeSpan.FromSeconds(1));
        Assert.That(manager.Select(new HashSet<IPEndPoint>()), Is.Null);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(manager.Select(new HashSet<IPEndPoint>())?.Endpoint, Is.EqualTo(Ep("1.1.1.1")));
    }

    [Test]
    public void Select_on_an_empty_table_gives_null()
    {
        Assert.That(Open().Select(new HashSet<IPEndPoint>()), Is.Null);
    }

    [Test]
    public void Select_prefers_addresses_that_completed_a_handshake()
    {
        var manager = Open();
        Fill(manager, 99, i => 0);
        manager.MarkGood(Ep("9.9.9.9"));
        int good = Enumerable.Range(0, 400).Count(_ => manager.Select(new HashSet<IPEndPoint>())!.Endpoint.Equals(Ep("9.9.9.9")));
        // About half with the preference, about 4 without it; the bounds are many standard deviations wide.
        Assert.That(good, Is.InRange(120, 280));
    }

    [Test]
    public void MarkGood_adds_an_unknown_address()
    {
        var manager = Open();
        manager.MarkGood(Ep("::ffff:4.4.4.4", 18444));
        Assert.That(manager.GetAddresses(5).Single(), Is.EqualTo(new PeerAddress(Ep("4.4.4.4", 18444), 0, _clock.UnixNow)));
    }

    [Test]
    public void GetAddresses_returns_a_distinct_sample_capped_at_a_reply()
    {
        var manager = Open();
        Fill(manager, AddressManager.MaxAddressesPerReply + 200, i => 0);
        var all = manager.GetAddresses(int.MaxValue);
        Assert.That(all, Has.Count.EqualTo(AddressManager.MaxAddressesPerReply));
        Assert.That(all.Select(a => a.Endpoint).Distinct().Count(), Is.EqualTo(AddressManager.MaxAddressesPerReply));
        Assert.That(manager.GetAddresses(10), Has.Count.EqualTo(10));
        Assert.That(manager.GetAddresses(0), Is.Empty);
        Assert.That(manager.GetAddresses(-1), Is.Empty);
    }

    [Test]
    public void Save_writes_an_owner_only_file_and_leaves_no_temporary_behind()
    {
        var manager = Open();
        manager.Add([Addr("1.2.3.4")], Source);
        manager.Save();
        manager.Save(); // over an existing file
        Assert.That(File.Exists(PeersPath + ".tmp"), Is.False);
        if (!OperatingSystem.IsWindows())
            Assert.That(File.GetUnixFileMode(PeersPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_failed_save_names_the_file()
    {
        var manager = new AddressManager(Path.Combine(_dir.FullName, "missing"), _clock);
        var error = Assert.Throws<IOException>(manager.Save)!;
        Assert.That(error.Message, Does.Contain(Path.Combine(_dir.FullName, "missing", AddressManager.FileName)));
    }
}
