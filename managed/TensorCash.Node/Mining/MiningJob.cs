using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Mining;

/// <summary>
/// A user's generation request served by the miner: the prompt, how many tokens the user wants and the sampling
/// settings. <see cref="Generated"/> grows across blocks and rebinds: the user's text continues where it stopped,
/// whatever happened to the chain tip meanwhile.
/// </summary>
public sealed class MiningJob(string id, int[] prompt, int maxTokens)
{
    public string Id { get; } = id;
    public int[] Prompt { get; } = prompt;
    public int MaxTokens { get; } = maxTokens;
    /// <summary>The user's text so far (generated tokens only).</summary>
    public List<int> Generated { get; } = [];
    /// <summary>What the model has seen after the prompt: each window's salt, then its tokens. The next window continues from it.</summary>
    public List<int> Context { get; } = [];
    public bool IsComplete => Generated.Count >= MaxTokens;
    /// <summary>
    /// The model whose token ids <see cref="Prompt"/> holds, when only that model can read it (a customer prompt from
    /// `node --serve`); null: any (the miner's own byte-valued prompts, as builtin:tiny reads them).
    /// </summary>
    public Hash256? Model { get; init; }
}
