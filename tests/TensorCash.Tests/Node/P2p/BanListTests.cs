using System.Net;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Node.P2p;

namespace TensorCash.Tests.Node.P2p;

public class BanListTests
{
    private DirectoryInfo _dir = null!;
    private ManualClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("tc-banlist-");
        _clock = new ManualClock();
    }

    [TearDown]
    public void TearDown() => _dir.Delete(recursive: true);

    private string BanPath => Path.Combine(_dir.FullName, BanList.FileName);

    private BanList Open() => new(_dir.FullName, _clock);

    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    [Test]
    public void A_banned_address_matches_until_it_is_unbanned()
    {
        var bans = Open();
        Assert.That(bans.Ban("1.2.3.4", null, "spam"), Is.True);
        Assert.That(bans.IsBanned(Ip("1.2.3.4")), Is.True);
        Assert.That(bans.IsBanned(Ip("1.2.3.5")), Is.False);
        Assert.That(bans.Unban("1.2.3.4/32"), Is.True);
        Assert.That(bans.IsBanned(Ip("1.2.3.4")), Is.False);
        Assert.That(bans.Unban("1.2.3.4"), Is.False);
    }

    [Test]
    public void A_subnet_ban_covers_its_addresses_and_nothing_outside()
    {
        var bans = Open();
        bans.Ban("1.2.3.0/24", null, "");
        Assert.That(bans.IsBanned(Ip("1.2.3.0")), Is.True);
        Assert.That(bans.IsBanned(Ip("1.2.3.77")), Is.True);
        Assert.That(bans.IsBanned(Ip("1.2.3.255")), Is.True);
        Assert.That(bans.IsBanned(Ip("1.2.4.1")), Is.False);
        Assert.That(bans.IsBanned(Ip("1.2.2.255")), Is.False);
        bans.Ban("2001:db8::/32", null, "");
        Assert.That(bans.IsBanned(Ip("2001:db8:ffff::1")), Is.True);
        Assert.That(bans.IsBanned(Ip("2001:db9::1")), Is.False);
    }

    [Test]
    public void An_IPv4_mapped_address_is_matched_by_an_IPv4_ban()
    {
        var bans = Open();
        bans.Ban("1.2.3.0/24", null, "");
        Assert.That(bans.IsBanned(Ip("::ffff:1.2.3.4")), Is.True);
        Assert.That(bans.IsBanned(Ip("::ffff:1.2.4.4")), Is.False);
    }

    [TestCase("1.2.3.4", "1.2.3.4/32")]
    [TestCase(" 1.2.3.4 ", "1.2.3.4/32")]
    [TestCase("1.2.3.0/24", "1.2.3.0/24")]
    [TestCase("1.2.3.99/24", "1.2.3.0/24")]
    [TestCase("0.0.0.0/0", "0.0.0.0/0")]
    [TestCase("::1", "::1/128")]
    [TestCase("2001:db8:ffff::/32", "2001:db8::/32")]
    [TestCase("::ffff:1.2.3.4", "1.2.3.4/32")]
    [TestCase("::ffff:1.2.3.0/120", "1.2.3.0/24")]
    public void Subnets_are_listed_in_canonical_form(string text, string canonical)
    {
        var bans = Open();
        bans.Ban(text, null, "");
        Assert.That(bans.List().Single().Subnet, Is.EqualTo(canonical));
        Assert.That(bans.Unban(canonical), Is.True, "any spelling of a subnet unbans it");
    }

    [TestCase("1.2.3")]
    [TestCase("1.2.3.4.5")]
    [TestCase("1.2.3.256")]
    [TestCase("010.0.0.1")]
    [TestCase("1.2.3.4/33")]
    [TestCase("1.2.3.4/-1")]
    [TestCase("1.2.3.4/")]
    [TestCase("1.2.3.4/ 8")]
    [TestCase("::1/129")]
    [TestCase("fe80::1%1")]
    [TestCase("hello")]
    [TestCase("")]
    public void Text_that_is_not_an_address_or_subnet_is_refused_with_a_readable_message(string text)
    {
        var bans = Open();
        var error = Assert.Throws<ArgumentException>(() => bans.Ban(text, null, ""))!;
        Assert.That(error.Message, Does.StartWith($"setban: '{text}' is not an IP address or subnet"));
        Assert.Throws<ArgumentException>(() => bans.Unban(text));
        Assert.That(bans.List(), Is.Empty);
    }

    [Test]
    public void A_duration_that_is_not_positive_is_refused()
    {
        var bans = Open();
        Assert.Throws<ArgumentException>(() => bans.Ban("1.2.3.4", TimeSpan.Zero, ""));
        Assert.Throws<ArgumentException>(() => bans.Ban("1.2.3.4", TimeSpan.FromHours(-1), ""));
        Assert.That(bans.List(), Is.Empty);
    }

    [Test]
    public void A_ban_lapses_at_its_expiry()
    {
        var bans = Open();
        bans.Ban("1.2.3.4", TimeSpan.FromHours(1), "");
        _clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.That(bans.IsBanned(Ip("1.2.3.4")), Is.True);
        Assert.That(bans.List(), Has.Count.EqualTo(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(bans.IsBanned(Ip("1.2.3.4")), Is.False);
        Assert.That(bans.List(), Is.Empty);
        // An expired ban does not stop a new one either.
        Assert.That(bans.Ban("1.2.3.4", null, ""), Is.True);
        Assert.That(bans.List().Single().CreatedAt, Is.EqualTo(_clock.Now));
    }

    [Test]
    public void Without_a_duration_a_ban_lasts_the_default()
    {
        var bans = Open();
        bans.Ban("1.2.3.4", null, "why");
        Assert.That(bans.List().Single(), Is.EqualTo(new BanEntry("1.2.3.4/32", _clock.Now, _clock.Now + BanList.DefaultBanDuration, "why")));
    }

    [Test]
    public void Banning_again_keeps_the_later_expiry()
    {
        var bans = Open();
        var start = _clock.Now;
        bans.Ban("1.2.3.4", TimeSpan.FromHours(1), "first");
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.That(bans.Ban("1.2.3.4", TimeSpan.FromHours(5), "second"), Is.True);
        var extended = bans.List().Single();
        Assert.That(extended.BannedUntil, Is.EqualTo(_clock.Now + TimeSpan.FromHours(5)));
        Assert.That(extended.CreatedAt, Is.EqualTo(start));
        Assert.That(bans.Ban("1.2.3.4", TimeSpan.FromHours(2), "shorter"), Is.True);
        Assert.That(bans.List().Single(), Is.EqualTo(extended));
    }

    [Test]
    public void A_ban_of_forever_is_clamped_rather_than_overflowing()
    {
        var bans = Open();
        Assert.That(bans.Ban("1.2.3.4", TimeSpan.MaxValue, ""), Is.True);
        Assert.That(bans.List().Single().BannedUntil.Year, Is.EqualTo(9999));
        Assert.That(Open().IsBanned(Ip("1.2.3.4")), Is.True);
    }

    [Test]
    public void Bans_survive_a_reopen()
    {
        var bans = Open();
        bans.Ban("1.2.3.0/24", TimeSpan.FromHours(3), "flood");
        _clock.Advance(TimeSpan.FromSeconds(1.5)); // whole seconds are stored; in-memory times must match
        bans.Ban("2001:db8::/32", null, "invalid blocks");
        bans.Ban("5.6.7.8", TimeSpan.FromMinutes(5), "short");
        var before = bans.List();

        var reopened = Open();
        Assert.That(reopened.LoadWarning, Is.Null);
        Assert.That(reopened.List(), Is.EqualTo(before));
        Assert.That(reopened.IsBanned(Ip("1.2.3.9")), Is.True);

        // A ban that lapsed while the node was down is gone after the restart.
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.That(Open().List().Select(b => b.Subnet), Is.EqualTo(new[] { "1.2.3.0/24", "2001:db8::/32" }));
    }

    [Test]
    public void Unban_and_clear_are_saved()
    {
        var bans = Open();
        bans.Ban("1.2.3.4", null, "");
        bans.Ban("5.6.7.8", null, "");
        bans.Unban("1.2.3.4");
        Assert.That(Open().List().Select(b => b.Subnet), Is.EqualTo(new[] { "5.6.7.8/32" }));
        bans.Clear();
        Assert.That(bans.List(), Is.Empty);
        Assert.That(Open().List(), Is.Empty);
    }

    [Test]
    public void New_bans_beyond_MaxEntries_are_refused()
    {
        // Written directly: ten thousand Ban calls would each rewrite the file.
        long until = (_clock.Now + TimeSpan.FromDays(1)).ToUnixTimeSeconds();
        var rows = Enumerable.Range(0, BanList.MaxEntries).Select(i =>
            $$"""{"subnet": "10.{{i / 65536}}.{{i / 256 % 256}}.{{i % 256}}", "createdAt": 0, "bannedUntil": {{until}}, "reason": ""}""");
        File.WriteAllText(BanPath, $$"""{"version": 1, "bans": [{{string.Join(",", rows)}}]}""");
        var bans = Open();
        Assert.That(bans.List(), Has.Count.EqualTo(BanList.MaxEntries));

        Assert.That(bans.Ban("1.2.3.4", null, ""), Is.False);
        Assert.That(bans.IsBanned(Ip("1.2.3.4")), Is.False);
        Assert.That(bans.Ban("10.0.0.5", TimeSpan.FromDays(2), ""), Is.True, "extending an existing ban is still allowed");
        bans.Unban("10.0.0.0");
        Assert.That(bans.Ban("1.2.3.4", null, ""), Is.True);
    }

    [Test]
    public void Save_writes_an_owner_only_file()
    {
        var bans = Open();
        bans.Ban("1.2.3.4", null, "");
        Assert.That(File.Exists(BanPath + ".tmp"), Is.False);
        if (!OperatingSystem.IsWindows())
            Assert.That(File.GetUnixFileMode(BanPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_corrupt_file_is_moved_aside_with_a_warning()
    {
        File.WriteAllText(BanPath, "[1, 2,");
        var bans = Open();
        Assert.That(bans.LoadWarning, Does.Contain(BanPath).And.Contain("corrupt"));
        Assert.That(bans.List(), Is.Empty);
        Assert.That(File.ReadAllText(BanPath + ".bad"), Is.EqualTo("[1, 2,"));
        bans.Ban("1.2.3.4", null, "");
        Assert.That(Open().LoadWarning, Is.Null);
    }

    [Test]
    public void A_file_of_another_version_counts_as_corrupt()
    {
        File.WriteAllText(BanPath, """{"version": 2, "bans": []}""");
        var bans = Open();
        Assert.That(bans.LoadWarning, Does.Contain("version 2"));
        Assert.That(File.Exists(BanPath + ".bad"), Is.True);
        Assert.That(File.Exists(BanPath), Is.False);
    }

    [Test]
    public void Bad_rows_are_skipped()
    {
        long until = (_clock.Now + TimeSpan.FromDays(1)).ToUnixTimeSeconds();
        File.WriteAllText(BanPath, $$"""
            {"version": 1, "bans": [
              {"subnet": "1.2.3.4", "createdAt": 0, "bannedUntil": {{until}}, "reason": "ok"},
              {"subnet": "1.2.3", "createdAt": 0, "bannedUntil": {{until}}, "reason": ""},
              {"subnet": "5.6.7.8", "createdAt": 0, "bannedUntil": 99999999999999999, "reason": ""},
              {"subnet": "9.9.9.9", "createdAt": 0, "reason": ""}
            ]}
            """);
        var bans = Open();
        Assert.That(bans.LoadWarning, Is.Null);
        Assert.That(bans.List().Select(b => b.Subnet), Is.EqualTo(new[] { "1.2.3.4/32" }));
    }

    [Test]
    public void A_subnet_ban_covers_exactly_the_addresses_sharing_its_prefix()
    {
        var bans = Open();
        var cases =
            from a in Gen.Choose(1, 223)
            from b in Gen.Choose(0, 255)
            from c in Gen.Choose(0, 255)
            from d in Gen.Choose(0, 255)
            from prefix in Gen.Choose(8, 32)
            from flip in Gen.Choose(0, 31)
            select (Address: new IPAddress([(byte)a, (byte)b, (byte)c, (byte)d]), Prefix: prefix, Flip: flip);
        Prop.ForAll(cases.ToArbitrary(), t =>
        {
            bans.Clear();
            bans.Ban($"{t.Address}/{t.Prefix}", null, "");
            byte[] other = t.Address.GetAddressBytes();
            other[t.Flip / 8] ^= (byte)(0x80 >> (t.Flip % 8));
            // Flipping a bit inside the prefix leaves the subnet; flipping a host bit stays inside it.
            return bans.IsBanned(t.Address) && bans.IsBanned(new IPAddress(other)) == (t.Flip >= t.Prefix);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
