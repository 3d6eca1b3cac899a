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
}
