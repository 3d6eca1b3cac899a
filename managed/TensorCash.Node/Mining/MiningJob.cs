using TensorCash.Proof;

namespace TensorCash.Node.Mining;

/// <summary>
/// A user's generation request served by the miner: the prompt, how many tokens the user wants and the sampling
/// settings. <see cref="Generated"/> grows across blocks and rebinds: the user's text continues where it stopped,
/// whatever happened to the chain tip meanwhile.
/// </summary>
public sealed class MiningJob(string id, int[] prompt, int maxTokens, DecodeParameters decode)
{
    public string Id { get; } = id;
    public int[] Prompt { get; } = prompt;
    public int MaxTokens { get; } = maxTokens;
    public DecodeParameters Decode { get; } = decode;
    public List<int> Generated { get; } = [];
    public bool IsComplete => Generated.Count >= MaxTokens;

    /// <summary>Temperature 1, top-k 40, top-p 0.95, no repetition penalty: ordinary sampling that stays well under the entropy ceiling.</summary>
    public static DecodeParameters DefaultDecode { get; } = new(1u << 16, 40, (ulong)(0.95 * (1UL << 32)));
}
