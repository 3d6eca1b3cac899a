namespace TensorCash.Serving;

/// <summary>
/// CPU package energy from Linux's powercap interface (intel-rapl:N/energy_uj, a microjoule counter that wraps at
/// max_energy_range_uj). Absent or unreadable (most containers, non-Intel machines): no energy metric at all,
/// rather than a misleading zero.
/// </summary>
public sealed class RaplEnergy
{
    private const string PowercapRoot = "/sys/class/powercap";
    private readonly (string Path, long Range)[] _zones;
    private readonly long[] _last;
    private double _joules;

    private RaplEnergy((string, long)[] zones)
    {
        _zones = zones;
        _last = zones.Select(z => Read(z.Item1) ?? 0).ToArray();
    }

    public static RaplEnergy? TryOpen()
    {
        try
        {
            if (!Directory.Exists(PowercapRoot)) return null;
            // Top-level package zones only (intel-rapl:0, not intel-rapl:0:0), so nothing is counted twice.
            var zones = Directory.GetDirectories(PowercapRoot, "intel-rapl:*")
                .Where(d => Path.GetFileName(d).Count(c => c == ':') == 1)
                .Select(d => (Path: Path.Combine(d, "energy_uj"), Range: Read(Path.Combine(d, "max_energy_range_uj")) ?? long.MaxValue))
                .Where(z => Read(z.Path) is not null)
                .ToArray();
            return zones.Length == 0 ? null : new RaplEnergy(zones);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public double JoulesSinceStart()
    {
        lock (_last)
        {
            for (int i = 0; i < _zones.Length; i++)
            {
                if (Read(_zones[i].Path) is not { } now) continue;
                long delta = now >= _last[i] ? now - _last[i] : now + (_zones[i].Range - _last[i]); // the counter wrapped
                _last[i] = now;
                _joules += delta / 1e6;
            }
            return _joules;
        }
    }

    private static long? Read(string path)
    {
        try
        {
            return long.TryParse(File.ReadAllText(path).Trim(), out long value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
