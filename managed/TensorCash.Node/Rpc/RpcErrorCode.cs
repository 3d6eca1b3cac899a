namespace TensorCash.Node.Rpc;

/// <summary>JSON-RPC error codes, with bitcoind's values so existing tooling understands them.</summary>
public enum RpcErrorCode
{
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    InternalError = -32603,
    ParseError = -32700,
    /// <summary>The RPC work queue is full (HTTP 503); in JSON-RPC's range for server errors.</summary>
    ServerBusy = -32000,
    MiscError = -1,
    TypeError = -3,
    WalletError = -4,
    InvalidAddressOrKey = -5,
    WalletInsufficientFunds = -6,
    InvalidParameter = -8,
    WalletUnlockNeeded = -13,
    WalletPassphraseIncorrect = -14,
    WalletWrongEncState = -15,
    ClientInInitialDownload = -10,
    DeserializationError = -22,
    VerifyError = -25,
    VerifyRejected = -26,
    VerifyAlreadyInChain = -27,
    ClientNodeAlreadyAdded = -23,
    ClientNodeNotAdded = -24,
    ClientNodeNotConnected = -29,
    ClientInvalidIpOrSubnet = -30,
    ClientP2pDisabled = -31,
}

/// <summary>A failure a method reports to the caller as a JSON-RPC error object (never a stack trace).</summary>
public sealed class RpcException(RpcErrorCode code, string message) : Exception(message)
{
    public RpcErrorCode Code { get; } = code;
}
