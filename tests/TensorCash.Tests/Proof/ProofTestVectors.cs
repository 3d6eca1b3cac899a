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

    public sealed record SaltVector(string Name, DrawVector Binding, PrecisionTag Precision, int Count, int VocabSize, int[] ExpectedSalt);

    /// <summary>Salt vectors X1, X2: the binding, model id and prompt of D1 and D2.</summary>
    public static readonly SaltVector[] Salts =
    [
        new("X1", Draws[0], PrecisionTag.F32, 4, 32000, [10327, 8807, 23828, 18064]),
        new("X2", Draws[1], PrecisionTag.BF16, 16, 264, [214, 107, 61, 42, 219, 162, 13, 214, 6, 135, 103, 242, 194, 209, 79, 235]),
    ];

    /// <summary>Window vector W1: binding, model id and prompt of D1; profile f32, tau 0.8, top-k 4, top-p 0.95, penalty 1.1 over
    /// the last 64 tokens, K = 4, W = 3, V = 16, S = 2, prompt cap 8, ceiling 0.85; the S1/S2/S3 evidence sets as steps
    /// 0..2, statistics empty, 01 02 03, empty.</summary>
    public static class Window
    {
        public static readonly DrawVector Binding = Draws[0];
        public static readonly ProofProfile Profile = new(new DecodeParameters(52429, 4, 4080218931, 72090, 64), 4, 3, PrecisionTag.F32, 16, 2, 8);
        public static readonly SpecTransliteration.Profile SpecProfile = new(0x01, 52429, 4, 4080218931, 72090, 64, 4, 3, 16, 2, 8, 3650722201);
        public static readonly (int Id, uint Bits)[][] Evidence = [Samplers[0].Evidence, Samplers[1].Evidence, Samplers[2].Evidence];
        public static readonly byte[][] Statistics = [[], [1, 2, 3], []];

        public static readonly int[] ExpectedSalt = [7, 7];
        public static readonly string[] ExpectedDrawsHex = ["3266066c5f96ed2a", "8d34ada93208c027", "187f35ce440dc0d7"];
        public static readonly int[] ExpectedTokens = [10, 10, 5];
        public static readonly string[] ExpectedProbabilitiesHex = ["00000000b1cb7741", "00000000a4efd4a1", "000000007d0f6507"];
        public static readonly string[] ExpectedLeavesHex = [
            "bc391ccc09fbec786a8f7f273af7508255ea059dbc71c5c915532f15ed6d46ca",
            "75651ab8a0154e5a38af46065139db49123c93298ae4e1e729d0313851f1cc73",
            "71f54a69c0be9bf0fb46eb2389cf93fb7e0324e73390350703c260edd7708cfc",
        ];
        public const string ExpectedGenesisHex = "331b9b342c3fd616709082a824c92bbaeb87a807bf00ad5941e52de3d57921e8";
        public const string ExpectedRootHex = "402eda537a6cce32f0af4bee6aa6462bf8210518e931a6654f52d82903f0117c";
        public const string ExpectedCommitmentHex = "8ac2a24fbd8e37b0c1f3f2d621b944e032e9e87ca2c800dc7a5cb0485e5f7b1b";
        public const string ExpectedPathDigestHex = "270d5ba53ccdfe81eba24cd1016c7cd7ee850b356c15ffc3b1f263d81334d027";
        public const uint ExpectedNonce = 2407413582;
        public const bool ExpectedEligible = true;
    }

    /// <summary>Transcript vector T1: model id "m", one step; docs/protocol/proof-of-inference.md §10.</summary>
    public static class Transcript
    {
        public static readonly byte[] ModelId = "m"u8.ToArray();
        public static readonly ProofProfile Profile = new(new DecodeParameters(65536, 2, DecodeParameters.TopPOffQ32), 2, 1, PrecisionTag.F32, 8, 1, 4);
        public static readonly SpecTransliteration.Profile SpecProfile = new(0x01, 65536, 2, 1UL << 32, 65536, 0, 2, 1, 8, 1, 4, 3650722201);
        public static readonly byte[] B = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        public static readonly byte[] V = new byte[32];
        public const ulong Tick = 1;
        public static readonly int[] Prompt = [1];
        public static readonly (int Id, uint Bits)[] Evidence = [(7, 0x3F800000), (3, 0x40000000)];
        public static readonly (uint Lse, uint Entropy, uint Sampled) Statistics = (0x40100000, 0x3F000000, 0x3F400000);
        public static readonly uint[] Sketch = Enumerable.Range(1, 16).Select(i => (uint)i).ToArray();
        public const int ExpectedToken = 3;
        public static readonly int[] ExpectedSalt = [0];
        public const string ExpectedProbabilityHex = "00000000bb26a7af";
        public const string ExpectedHex =
            "545343500200016d01000001000200000000000000010000000000010000000000020001000000080000000104000000999999d90000000020aaaaaaaaaaaaaa" +
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa000000000000000000000000000000000000000000000000000000000000000001000000000000" +
            "000100000001000000030000000303000000400000803f000010400000003f0000403f0100000002000000030000000400000005000000060000000700000008" +
            "000000090000000a0000000b0000000c0000000d0000000e0000000f00000010000000";
    }
}
