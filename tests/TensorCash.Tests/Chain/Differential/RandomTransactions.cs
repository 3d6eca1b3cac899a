using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// Random transactions for the differential properties, drawn from one seed so a failure replays from the seed alone.
/// Field values cover the whole encodable range (negative versions and amounts, every lock time and sequence), counts
/// include 0 (unless a minimum is asked for), and script lengths cross CompactSize's one-to-three-byte boundary (252/253).
/// </summary>
internal static class RandomTransactions
{
    public static Transaction Next(Random random, int maxInputs = 4, int maxOutputs = 4, int maxScript = 300, int minInputs = 0)
    {
        var inputs = new TxIn[random.Next(minInputs, maxInputs + 1)];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = new TxIn(new OutPoint(RandomHash(random), RandomUInt(random)), RandomBytes(random, ScriptLength(random, maxScript)), RandomUInt(random));
        var outputs = new TxOut[random.Next(maxOutputs + 1)];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = new TxOut(RandomAmount(random), RandomBytes(random, ScriptLength(random, maxScript)));
        int version = random.Next(4) switch { 0 => 1, 1 => 2, 2 => (int)RandomUInt(random), _ => random.Next(-3, 4) };
        return new Transaction(version, inputs, outputs, RandomUInt(random));
    }

    public static Hash256 RandomHash(Random random) => new(RandomBytes(random, 32));

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Edge values (0, 0xFFFFFFFF, lock-time and sequence flag boundaries) half the time.</summary>
    public static uint RandomUInt(Random random) => random.Next(2) == 0
        ? random.Next(8) switch { 0 => 0, 1 => uint.MaxValue, 2 => uint.MaxValue - 1, 3 => 499_999_999, 4 => 500_000_000, 5 => 1u << 22, 6 => 1u << 31, _ => (uint)random.Next(0, 1000) }
        : (uint)random.NextInt64(0, 1L << 32);

    private static long RandomAmount(Random random) => random.Next(5) switch
    {
        0 => 0,
        1 => -1,
        2 => long.MaxValue,
        3 => random.NextInt64(long.MinValue, long.MaxValue),
        _ => random.NextInt64(0, 21_000_000L * 100_000_000),
    };

    private static int ScriptLength(Random random, int max) => random.Next(10) switch
    {
        0 => 0,
        1 => Math.Min(max, random.Next(250, 256)),
        _ => random.Next(Math.Min(max, 80) + 1),
    };
}
