namespace TensorCash.Node.Storage;

/// <summary>
/// The chainstate database cannot be used: not a TensorCash database, a schema this node does not know, corrupt
/// pages or records, or locked by another process. The message names the file and what was being done, so the
/// node can print it as one line instead of a stack trace.
/// </summary>
public sealed class NodeStorageException : Exception
{
    public NodeStorageException(string message) : base(message) { }
    public NodeStorageException(string message, Exception inner) : base(message, inner) { }
}
