using System.Text;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

/// <summary>
/// The test vectors published in docs/protocol/proof-of-inference.md section 9. Inputs are spelled out so the
/// document can state them in prose; expected outputs are the hex strings printed there.
/// </summary>
internal static class ProofTestVectors
{
    public static byte[] Sequence(int start, int count) => Enumerable.Range(start, count).Select(i => (byte)i).ToArray();

    public sealed record DrawVector(string Name, byte[] B, byte[] V, ulong Tick, byte[] ModelId, int[] Prompt, int[] PriorTokens,
        uint Step, PrecisionTag Precision, string ExpectedContextHex, string ExpectedDrawHex);

    public static readonly DrawVector[] Draws =
    [
        new("D1", Sequence(0x00, 32), Sequence(0x20, 32), 1, Encoding.ASCII.GetBytes("tensorcash/test-model"), [1, 2, 3], [],
            0, PrecisionTag.F32, "05647d6ec1a7208d9e50dbe7fe48e41c67994c0091b35c23d4061e46d30e3b0d", "8cb53d3da1cf4ba8"),
        new("D2", Enumerable.Repeat((byte)0xAA, 80).ToArray(), new byte[32], 0x0123456789ABCDEF, Encoding.ASCII.GetBytes("m"), [], [42, 7],
            2, PrecisionTag.BF16, "22514c401c0dc910932bf9524554e61afe19059434512de4aa35f87ce8c035f9", "bacae7fff43f5a06"),
    ];

    public sealed record SamplerVector(string Name, (int Id, uint Bits)[] Evidence, uint TemperatureQ16, int TopK, ulong TopPQ32,
        uint RepetitionPenaltyQ16, int[] Penalized, ulong Draw, string ExpectedNucleus, int ExpectedToken, string ExpectedProbabilityHex);

    public static readonly SamplerVector[] Samplers =
    [
        // 2.0, 1.0, 0.5, -1.0 at temperature 1, no truncation.
        new("S1", [(10, 0x40000000), (11, 0x3F800000), (12, 0x3F000000), (13, 0xBF800000)], 65536, 0, 1UL << 32, 65536, [],
            0x8000000000000000,
            "10:0000000100000000 11:000000005e2d58d8 12:00000000391f0ee4 13:000000000cbed866", 10, "000000009c0592b2"),
        // Same logits in another order; temperature 0.7, top-k 3, top-p 0.9, penalty 1.3 on tokens 10 and 13.
        new("S2", [(13, 0xBF800000), (11, 0x3F800000), (10, 0x40000000), (12, 0x3F000000)], 45875, 3, 3865470566, 85197, [10, 13],
            0xC000000000000000,
            "10:0000000100000000 11:00000000769f6e09 12:000000003a121360", 11, "00000000462ead34"),
        // A tie at the top broken by token id; temperature 2, top-p 0.5, the largest possible draw.
        new("S3", [(5, 0x3FC00000), (3, 0x3FC00000), (7, 0xC0500000), (1, 0x3E800000)], 131072, 4, 1UL << 31, 65536, [],
            0xFFFFFFFFFFFFFFFF,
            "3:0000000100000000 5:0000000100000000", 5, "0000000080000000"),
    ];
}
