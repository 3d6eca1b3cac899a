using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace TensorCash.Tests.Proof;

/// <summary>
/// A second, deliberately naive implementation of docs/protocol/proof-of-inference.md, written from the document and
/// sharing nothing with TensorCash.Proof except SHA-256. Arithmetic is unbounded BigInteger, byte layouts are spelled
/// out by hand, so a slip in the production code's Int128/shift tricks shows up as a vector mismatch.
/// </summary>
internal static class SpecTransliteration
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Le(ulong value, int width)
    {
        var bytes = new byte[width];
        for (var i = 0; i < width; i++) bytes[i] = (byte)(value >> (8 * i));
        return bytes;
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] H(params byte[][] parts) => SHA256.HashData(Cat(parts));

    // ---- Section 2: context and draws ----

    public static byte[] C0(byte[] modelId, int[] prompt) =>
        H(Ascii("TSC-CTX"), [(byte)modelId.Length], modelId, Le((ulong)prompt.Length, 4), Cat(prompt.Select(x => Le((ulong)x, 4)).ToArray()));

    public static byte[] CNext(byte[] c, int token) => H(c, Le((ulong)token, 4));

    /// <summary>Returns u_t as the exact rational numerator over 2^64.</summary>
    public static BigInteger U(byte[] b, byte[] v, ulong tick, uint step, byte[] c, byte dt)
    {
        var digest = H(Ascii("TSC-POI"), [(byte)b.Length], b, v, Le(tick, 8), Le(step, 4), c, [dt]);
        BigInteger u = 0;
        for (var i = 0; i < 8; i++) u = u * 256 + digest[i];
        return u;
    }
}
