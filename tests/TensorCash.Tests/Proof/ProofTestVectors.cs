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
}
