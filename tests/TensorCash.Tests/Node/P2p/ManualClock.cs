namespace TensorCash.Tests.Node.P2p;

/// <summary>A clock the test moves by hand, so retry windows and ban expiry are tested without sleeping.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ManualClock() : this(Start) { }

    public DateTimeOffset Now { get; set; } = start;

    public long UnixNow => Now.ToUnixTimeSeconds();

    public void Advance(TimeSpan by) => Now += by;

    public override DateTimeOffset GetUtcNow() => Now;
}
