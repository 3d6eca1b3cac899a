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

    // ---- Section 3: sampler ----

    private static BigInteger Floor(BigInteger a, BigInteger b)
    {
        var q = BigInteger.DivRem(a, b, out var rem);
        return rem.Sign != 0 && (a.Sign < 0) != (b.Sign < 0) ? q - 1 : q;
    }

    /// <summary>3.1: trunc(x * 2^32) toward zero, |.| clamped to 2^48.</summary>
    public static BigInteger LogitQ32(uint bits)
    {
        var sign = bits >> 31 == 1 ? -1 : 1;
        var e = (int)((bits >> 23) & 255);
        var m = (BigInteger)(bits & 0x7FFFFF);
        if (e == 255) throw new ArgumentException("NaN or infinity");
        if (e == 0) return 0;
        m += BigInteger.One << 23;
        var p = e - 150 + 32;
        var magnitude = p >= 0 ? m * BigInteger.Pow(2, p) : m / BigInteger.Pow(2, -p);
        if (magnitude > BigInteger.Pow(2, 48)) magnitude = BigInteger.Pow(2, 48);
        return sign * magnitude;
    }

    /// <summary>3.4: the integer exp, step by step as written.</summary>
    public static BigInteger Weight(BigInteger d)
    {
        var ln2 = BigInteger.Parse("0B17217F7D1CF79AB", System.Globalization.NumberStyles.HexNumber);
        var x = d * BigInteger.Pow(2, 32);
        var n = x / ln2;
        if (n > 32) return 0;
        var r = (x - n * ln2) / 4;
        var one = BigInteger.Pow(2, 62);
        var e = one;
        for (var k = 16; k >= 1; k--) e = one - r * e / one / k;
        return e / BigInteger.Pow(2, 30 + (int)n);
    }

    public sealed record Outcome(int[] NucleusTokens, BigInteger[] NucleusWeights, int Token, BigInteger ProbabilityQ32);

    public static Outcome Sample((int Id, uint Bits)[] evidence, uint tauQ16, int topK, ulong topPQ32, uint rhoQ16, ISet<int> penalized, BigInteger u)
    {
        // 3.2 repetition penalty, 3.3 temperature
        var z = evidence.Select(c =>
        {
            var l = LogitQ32(c.Bits);
            if (penalized.Contains(c.Id))
            {
                l = l > 0 ? Floor(l * 65536, rhoQ16) : Floor(l * rhoQ16, 65536);
                l = BigInteger.Max(-BigInteger.Pow(2, 48), BigInteger.Min(BigInteger.Pow(2, 48), l));
            }
            return (c.Id, Z: Floor(l * 65536, tauQ16));
        }).OrderByDescending(c => c.Z).ThenBy(c => c.Id).ToList();
        // 3.4 top-k, weights
        var k = topK == 0 ? z.Count : topK;
        var kept = z.Take(k).Select(c => (c.Id, W: Weight(z[0].Z - c.Z))).OrderByDescending(c => c.W).ThenBy(c => c.Id).ToList();
        var total = kept.Aggregate(BigInteger.Zero, (s, c) => s + c.W);
        // 3.5 top-p
        var nucleus = new List<(int Id, BigInteger W)>();
        BigInteger cum = 0;
        foreach (var c in kept)
        {
            nucleus.Add(c);
            cum += c.W;
            if (cum * BigInteger.Pow(2, 32) >= topPQ32 * total) break;
        }
        // 3.6 inverse CDF
        var target = u * cum / BigInteger.Pow(2, 64);
        BigInteger running = 0;
        foreach (var c in nucleus)
        {
            running += c.W;
            if (running > target)
                return new Outcome(nucleus.Select(x => x.Id).ToArray(), nucleus.Select(x => x.W).ToArray(), c.Id, c.W * BigInteger.Pow(2, 32) / cum);
        }
        throw new InvalidOperationException("no candidate selected");
    }

    // ---- Sections 4-6: leaf, window tree, proof digest, nonce, entropy ceiling ----

    public static byte[] Leaf(uint step, int token, (int Id, uint Bits)[] evidence, BigInteger probabilityQ32, byte[] statistics) =>
        H(Ascii("TSC-LEAF"), Le(step, 4), Le((ulong)token, 4), Le((ulong)evidence.Length, 2),
            Cat(evidence.OrderBy(c => c.Id).Select(c => Cat(Le((ulong)c.Id, 4), Le(c.Bits, 4))).ToArray()),
            Le((ulong)probabilityQ32, 8), Le((ulong)statistics.Length, 2), statistics);

    private static byte[] Tree(byte[][] leaves)
    {
        if (leaves.Length == 1) return leaves[0];
        var k = 1 << (int)Math.Floor(Math.Log2(leaves.Length - 1));
        return H(Ascii("TSC-NODE"), Tree(leaves[..k]), Tree(leaves[k..]));
    }

    public static byte[] WindowRoot(byte[][] leaves) => H(Ascii("TSC-WINDOW"), Le((ulong)leaves.Length, 4), Tree(leaves));

    public static byte[] Genesis(byte[] b, byte[] v, ulong tick, byte dt, byte[] c0, uint tau, int topK, ulong topP, uint rho, uint lastN, int w) =>
        H(Ascii("TSC-GENESIS"), [(byte)b.Length], b, v, Le(tick, 8), [dt], c0, Le(tau, 4), Le((ulong)topK, 4), Le(topP, 8), Le(rho, 4), Le(lastN, 4), Le((ulong)w, 4));

    public static byte[] ProofNext(byte[] previous, byte[] root, uint w) => H(Ascii("TSC-PROOF"), previous, root, Le(w, 4));

    public static uint Nonce(byte[] digest)
    {
        var h = H(Ascii("TSC-NONCE"), digest);
        return h[0] | (uint)h[1] << 8 | (uint)h[2] << 16 | (uint)h[3] << 24;
    }

    public static bool Eligible(BigInteger[] probabilities, BigInteger ceiling) =>
        probabilities.Aggregate(BigInteger.Zero, (a, x) => a + x) <= ceiling * probabilities.Length;

    /// <summary>Section 7: one window of a generation, every rule applied in order.</summary>
    public sealed record WindowRun(int[] Tokens, BigInteger[] Probabilities, byte[][] Leaves, byte[] Genesis, byte[] Root, byte[] Digest, uint Nonce, bool Eligible);

    public static WindowRun RunWindow(byte[] b, byte[] v, ulong tick, byte[] modelId, int[] prompt, byte dt,
        uint tau, int topK, ulong topP, uint rho, uint lastN, (int Id, uint Bits)[][] evidencePerStep, byte[][] statistics, BigInteger ceiling)
    {
        var c = C0(modelId, prompt);
        var genesis = Genesis(b, v, tick, dt, c, tau, topK, topP, rho, lastN, evidencePerStep.Length);
        var history = prompt.ToList();
        var tokens = new List<int>();
        var probabilities = new List<BigInteger>();
        var leaves = new List<byte[]>();
        for (var t = 0; t < evidencePerStep.Length; t++)
        {
            var u = U(b, v, tick, (uint)t, c, dt);
            var penalized = (lastN == 0 ? history : history.Skip(Math.Max(0, history.Count - (int)lastN))).ToHashSet();
            var outcome = Sample(evidencePerStep[t], tau, topK, topP, rho, penalized, u);
            leaves.Add(Leaf((uint)t, outcome.Token, evidencePerStep[t], outcome.ProbabilityQ32, statistics[t]));
            tokens.Add(outcome.Token);
            probabilities.Add(outcome.ProbabilityQ32);
            history.Add(outcome.Token);
            c = CNext(c, outcome.Token);
        }
        var root = WindowRoot(leaves.ToArray());
        var digest = ProofNext(genesis, root, 0);
        return new WindowRun(tokens.ToArray(), probabilities.ToArray(), leaves.ToArray(), genesis, root, digest, Nonce(digest), Eligible(probabilities.ToArray(), ceiling));
    }
}
