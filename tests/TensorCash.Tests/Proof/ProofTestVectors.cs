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

    /// <summary>Merkle vector: leaves l_i = SHA-256(single byte i), i = 0..n-1.</summary>
    public static byte[][] MerkleLeaves(int n) => Enumerable.Range(0, n).Select(i => System.Security.Cryptography.SHA256.HashData(new[] { (byte)i })).ToArray();

    public static readonly (int LeafCount, string ExpectedRootHex)[] MerkleRoots =
    [
        (1, "994810be42253116b0601a75ad8242d26278882236d107ee4b14274483b31fe3"),
        (2, "9e7666b4484b475103e68604037a477f0b8e48cdf25ee21189615462a1b25fd8"),
        (3, "7b2d172632c0669728ba641b759e952a3bd0ffddbd1e3312cd146b7b9dd8ee21"),
        (4, "6edd11f42bf3c71ddac2a86920e5efdcd61b08a577210ac071bbe1f2ee64e209"),
        (5, "ca5e900a88182e8490b449422087b2caad5aaab47b03c4819af2dbebd8d32cc2"),
    ];

    /// <summary>Window vector W1: binding of D1, prompt [1,2,3], f32, tau 0.8, top-k 4, top-p 0.95, penalty 1.1 over the
    /// last 64 tokens, W = 3, the S1/S2/S3 evidence sets as steps 0..2, statistics empty, 01 02 03, empty.</summary>
    public static class Window
    {
        public static readonly DrawVector Binding = Draws[0];
        public const uint TemperatureQ16 = 52429;
        public const int TopK = 4;
        public const ulong TopPQ32 = 4080218931;
        public const uint RepetitionPenaltyQ16 = 72090;
        public const uint PenaltyLastN = 64;
        public static readonly (int Id, uint Bits)[][] Evidence = [Samplers[0].Evidence, Samplers[1].Evidence, Samplers[2].Evidence];
        public static readonly byte[][] Statistics = [[], [1, 2, 3], []];

        public static readonly int[] ExpectedTokens = [10, 10, 3];
        public static readonly string[] ExpectedProbabilitiesHex = ["00000000b1cb7741", "00000000a4efd4a1", "000000006975bfe9"];
        public static readonly string[] ExpectedLeavesHex =
        [
            "8e3fa43a5e51049c74f1592574bf8da72fde7d10aa8e7fd63bfbf5f835b6a057",
            "c7bb64e50295e8bd362392c8d5e4eb721764ec6874f030ed816390cfd6636d44",
            "b8aec99cfdd09cc48dd4da9d4ec44f1446bc746345012573695958e4cb0ba6de",
        ];
        public const string ExpectedGenesisHex = "36e3ff1691ad014ead21e64c339ea6497981a80c9f546c5e3507facc66d90d8e";
        public const string ExpectedRootHex = "a5dbcd0d9ab825514cd5b01cd42d1abfd10ba01399f9f7b019d1dd1ced799165";
        public const string ExpectedDigestHex = "08d7654de5505efa4e8a24dc57fe1af86762474d808f7c17578f3fdd1427a4ab";
        public const uint ExpectedNonce = 1243072777;
        public const bool ExpectedEligible = true;
    }
}
