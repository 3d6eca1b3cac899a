namespace TensorCash.Cli.Demo;

/// <summary>
/// One row of the demo's summary: a mined block, what it cost to mine and to verify again, and its VDF tick (v, and the
/// time to verify its evidence from scratch).
/// </summary>
public sealed record DemoBlockRow(int Height, string Hash, string Model, int TokensGenerated, int WindowsTried, int ProofBytes,
    double MineMilliseconds, double VerifyMilliseconds, bool Replayed, int TransactionCount, string VdfOutput = "", double VdfVerifyMilliseconds = 0);

/// <summary>The demo's VDF: network size and T, one fresh evaluation's time, and the mean verification time per block.</summary>
public sealed record DemoVdf(int DiscriminantBits, uint Ticks, int EvidenceBytes, double EvalMilliseconds, double MeanVerifyMilliseconds);
