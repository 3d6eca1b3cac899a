using System.Text;

namespace TensorCash.Proof;

/// <summary>
/// ASCII prefixes that separate every hash the protocol computes, so a preimage valid in one role
/// (draw, context, leaf, inner node, ...) can never be reinterpreted in another.
/// </summary>
internal static class DomainTags
{
    public static readonly byte[] Draw = Encoding.ASCII.GetBytes("TSC-POI");
    public static readonly byte[] Context = Encoding.ASCII.GetBytes("TSC-CTX");
    public static readonly byte[] Leaf = Encoding.ASCII.GetBytes("TSC-LEAF");
    public static readonly byte[] Node = Encoding.ASCII.GetBytes("TSC-NODE");
    public static readonly byte[] Window = Encoding.ASCII.GetBytes("TSC-WINDOW");
    public static readonly byte[] Genesis = Encoding.ASCII.GetBytes("TSC-GENESIS");
    public static readonly byte[] Proof = Encoding.ASCII.GetBytes("TSC-PROOF");
    public static readonly byte[] Nonce = Encoding.ASCII.GetBytes("TSC-NONCE");
    public static readonly byte[] Salt = Encoding.ASCII.GetBytes("TSC-SALT");
    public static readonly byte[] Path = Encoding.ASCII.GetBytes("TSC-PATH");
    public static readonly byte[] Tensor = Encoding.ASCII.GetBytes("TSC-TENSOR");
    public static readonly byte[] TensorData = Encoding.ASCII.GetBytes("TSC-TDATA");
    public static readonly byte[] TensorNode = Encoding.ASCII.GetBytes("TSC-TNODE");
    public static readonly byte[] TensorRoot = Encoding.ASCII.GetBytes("TSC-TENSORS");
    public static readonly byte[] ModelV2 = Encoding.ASCII.GetBytes("TSC-MODEL-V2");
}
