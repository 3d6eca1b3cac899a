using System.Globalization;
using NUnit.Framework;
using TensorCash.Chain.Consensus;

namespace TensorCash.Tests.Chain.Targets;

/// <summary>
/// The published aserti3-2d test vectors (fixtures/chain/asert, source in its README) with Bitcoin Cash's constants:
/// every line of every shipped run must give the vector's nBits.
/// </summary>
public class AsertVectorTests
{
    private const long BchSpacing = 600;
    private const long BchHalfLife = 2 * 24 * 60 * 60;
    // The spec's max_target = bits_to_target(0x1d00ffff).
    private static readonly System.Numerics.BigInteger BchPowLimit = CompactBits.DecodeTarget(0x1d00ffff)!.Value;

    // AppContext rather than TestContext: test case sources are enumerated outside any test.
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "chain", "asert");

    public static IEnumerable<string> Runs() =>
        Directory.GetFiles(FixtureDirectory, "run*").Select(path => Path.GetFileName(path)).Order();

    // Heights are unsigned 64-bit: run10 crosses 2^63.
    private sealed record Run(ulong AnchorHeight, long AnchorParentTime, uint AnchorBits, long Iterations, List<(ulong Height, long Time, uint Bits)> Lines);

    /// <summary>The generator's format: "##   key: value" header lines, then "iteration height time 0xbits".</summary>
    private static Run Parse(string path)
    {
        ulong? anchorHeight = null;
        long? anchorTime = null, iterations = null;
        uint? anchorBits = null;
        var lines = new List<(ulong, long, uint)>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("# ", StringComparison.Ordinal)) continue;
            if (line.StartsWith("##", StringComparison.Ordinal))
            {
                var parts = line[2..].Split(':', 2);
                string key = parts[0].Trim(), value = parts.Length == 2 ? parts[1].Trim() : "";
                switch (key)
                {
                    case "anchor height": anchorHeight = ulong.Parse(value, CultureInfo.InvariantCulture); break;
                    // Older runs say "ancestor", newer "parent": both are the anchor's parent's timestamp.
                    case "anchor ancestor time" or "anchor parent time": anchorTime = long.Parse(value, CultureInfo.InvariantCulture); break;
                    case "anchor nBits": anchorBits = ParseBits(value); break;
                    case "iterations": iterations = long.Parse(value, CultureInfo.InvariantCulture); break;
                }
                continue;
            }
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(fields, Has.Length.EqualTo(4), $"{path}: '{line}'");
            lines.Add((ulong.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[2], CultureInfo.InvariantCulture), ParseBits(fields[3])));
        }
        Assert.That(anchorHeight.HasValue && anchorTime.HasValue && anchorBits.HasValue && iterations.HasValue, $"{path}: incomplete header");
        return new Run(anchorHeight!.Value, anchorTime!.Value, anchorBits!.Value, iterations!.Value, lines);
    }

    private static uint ParseBits(string hex) => uint.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Test]
    public void AtLeastTheDocumentedRunsAreShipped() =>
        Assert.That(Runs().Count(), Is.GreaterThanOrEqualTo(11));

    [TestCaseSource(nameof(Runs))]
    public void EveryLineMatches(string runName)
    {
        var run = Parse(Path.Combine(FixtureDirectory, runName));
        Assert.That(run.Lines, Has.Count.EqualTo(run.Iterations), "one line per iteration");
        var anchorTarget = CompactBits.DecodeTarget(run.AnchorBits)!.Value;
        var mismatches = new List<string>();
        foreach (var (height, time, bits) in run.Lines)
        {
            var target = Asert.NextTarget(anchorTarget, time - run.AnchorParentTime, (long)(height - run.AnchorHeight), BchSpacing, BchHalfLife, BchPowLimit);
            uint got = CompactBits.Encode(target);
            if (got != bits) mismatches.Add($"height {height} time {time}: expected 0x{bits:x8}, got 0x{got:x8}");
        }
        Assert.That(mismatches, Is.Empty);
    }
}
