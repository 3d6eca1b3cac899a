namespace TensorCash.FuzzTargets;

/// <summary>Every fuzz target, by the name the driver, run.sh and the corpus folders use.</summary>
public static class FuzzTargetCatalog
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        TranscriptTarget.Create(),
        TransactionTarget.Create(),
        BlockTarget.Create(),
        ScriptTarget.Create(),
        RegistryTarget.Create(),
        GgufTarget.Create(),
        SafetensorsTarget.Create(),
        TokenizerTarget.Create(),
        RpcRequestTarget.Create(),
        P2pMessageTarget.Create(),
    ];

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))})");
}
