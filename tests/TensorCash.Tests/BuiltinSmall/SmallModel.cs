using TensorCash.Engine.Builtin;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.BuiltinSmall;

/// <summary>
/// builtin:small's two shipped forms as the build copies them next to the test assembly (builtin/small/): the BF16
/// GGUF with its embedded tokenizer and the Hugging Face directory of the same weights. Tests read the copies the
/// engine reads, so a build that stops copying them fails here too.
/// </summary>
internal static class SmallModel
{
    public static string Gguf => BuiltinModels.SmallGgufPath;
    public static string HfDirectory => BuiltinModels.SmallHfDirectory;
    public static string TokenizerJson => Path.Combine(HfDirectory, "tokenizer.json");

    public const int Bos = 4094, Eos = 4095;

    /// <summary>Prompts for the logit comparisons: King James style, the register the model learned, and one it did not.</summary>
    public static readonly string[] Prompts =
    [
        "And God said, Let there be light",
        "1:1 In the beginning was the Word, and the Word was with God",
        "The ledger of 2026: miners, blocks & proofs!",
    ];

    public static int[] Encode(string text) => GgufTokenizer.Load(Gguf).Encode(text);

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
