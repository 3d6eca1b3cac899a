namespace TensorCash.Cli;

public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Something failed while doing the work (corrupt model, native error).</summary>
    public const int Failure = 1;
    /// <summary>The command line or its input was wrong (missing flag, bad value, unknown model path, token id out of range).</summary>
    public const int Usage = 2;
    /// <summary>`model audit`: the model loaded and was audited, and at least one check failed (hollow or malformed weights).</summary>
    public const int AuditFailed = 3;
}

/// <summary>Input the user can fix: reported as one line, exit code <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
