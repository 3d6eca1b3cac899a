namespace TensorCash.Interop;

/// <summary>A native call failed: carries the TC_ERR_* status and the native tc_last_error() text.</summary>
public sealed class NativeException : Exception
{
    public int Status { get; }

    public NativeException(int status, string message) : base(message) => Status = status;
}

/// <summary>TC_* status codes and the one place that turns a non-zero status into an exception.</summary>
public static class NativeStatus
{
    public const int Ok = 0;
    public const int InvalidArgument = 1;
    public const int OutOfMemory = 2;
    public const int Unsupported = 3;
    public const int Capacity = 4;
    public const int Internal = 5;

    public static string Name(int status) => status switch
    {
        Ok => "ok",
        InvalidArgument => "invalid argument",
        OutOfMemory => "out of memory",
        Unsupported => "unsupported",
        Capacity => "capacity exceeded",
        Internal => "internal error",
        _ => $"status {status}",
    };

    /// <summary>Throws <see cref="NativeException"/> unless <paramref name="status"/> is TC_OK. Must run on the calling thread
    /// right after the native call, because the message is thread-local.</summary>
    public static void Check(int status, string operation)
    {
        if (status != Ok) throw Failure(status, operation);
    }

    /// <summary>For functions that return NULL on failure: the status and reason come from tc_last_status()/tc_last_error().</summary>
    public static NativeException HandleFailure(string operation)
    {
        int status = NativeLibrary.LastStatus;
        return Failure(status == Ok ? Internal : status, operation);
    }

    public static NativeException Failure(int status, string operation)
    {
        string detail = NativeLibrary.LastError;
        return new NativeException(status, $"{operation} failed ({Name(status)}): {(detail.Length > 0 ? detail : "no detail")}");
    }
}
