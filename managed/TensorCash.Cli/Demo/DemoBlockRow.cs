namespace TensorCash.Cli.Demo;

/// <summary>One row of the demo's summary: a mined block, what it cost to mine and to verify again.</summary>
public sealed record DemoBlockRow(int Height, string Hash, string Model, int TokensGenerated, int WindowsTried, int ProofBytes,
    double MineMilliseconds, double VerifyMilliseconds, bool Replayed, int TransactionCount);
