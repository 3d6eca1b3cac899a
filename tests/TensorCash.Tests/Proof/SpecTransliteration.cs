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

    // ---- Section 2: salt ----

    /// <summary>§2: the profile's S salt tokens, σ_i = BE64(H("TSC-SALT" || short(B) || v || u64 T || u8 dt || C_0 || u32 i)[0..8]) mod V.</summary>
    public static int[] Salt(byte[] b, byte[] v, ulong tick, byte dt, byte[] c0, int count, int vocab) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var digest = H(Ascii("TSC-SALT"), [(byte)b.Length], b, v, Le(tick, 8), [dt], c0, Le((ulong)i, 4));
            BigInteger x = 0;
            for (var j = 0; j < 8; j++) x = x * 256 + digest[j];
            return (int)(x % vocab);
        }).ToArray();

    // ---- Sections 4-7: leaf, window tree, genesis, commitment, nonce, path digest, entropy ceiling ----

    public static byte[] Leaf(uint step, byte[] context, int token, (int Id, uint Bits)[] evidence, BigInteger probabilityQ32, byte[] statistics) =>
        H(Ascii("TSC-LEAF"), Le(step, 4), context, Le((ulong)token, 4), Le((ulong)evidence.Length, 2),
            Cat(evidence.OrderBy(c => c.Id).Select(c => Cat(Le((ulong)c.Id, 4), Le(c.Bits, 4))).ToArray()),
            Le((ulong)probabilityQ32, 8), Le((ulong)statistics.Length, 2), statistics);

    private static byte[] Tree(byte[][] leaves)
    {
        if (leaves.Length == 1) return leaves[0];
        var k = 1 << (int)Math.Floor(Math.Log2(leaves.Length - 1));
        return H(Ascii("TSC-NODE"), Tree(leaves[..k]), Tree(leaves[k..]));
    }

    public static byte[] WindowRoot(byte[][] leaves) => H(Ascii("TSC-WINDOW"), Le((ulong)leaves.Length, 4), Tree(leaves));

    /// <summary>§6 / §10: the profile, as its fields are listed in the document.</summary>
    public sealed record Profile(byte Dt, uint Tau, int TopK, ulong TopP, uint Rho, uint LastN, int K, int W, int V, int S, int PromptCap, ulong Ceiling);

    /// <summary>The 48 profile bytes: u8 dt, u32 τ, u32 top-k, u64 top-p, u32 ρ, u32 N, u16 K, u32 W, u32 V, u8 S, u32 prompt cap, u64 ceiling.</summary>
    public static byte[] ProfileBytes(Profile p) =>
        Cat([p.Dt], Le(p.Tau, 4), Le((ulong)p.TopK, 4), Le(p.TopP, 8), Le(p.Rho, 4), Le(p.LastN, 4), Le((ulong)p.K, 2), Le((ulong)p.W, 4),
            Le((ulong)p.V, 4), [(byte)p.S], Le((ulong)p.PromptCap, 4), Le(p.Ceiling, 8));

    public static byte[] Genesis(byte[] b, byte[] v, ulong tick, byte[] c0, Profile p) =>
        H(Ascii("TSC-GENESIS"), [(byte)b.Length], b, v, Le(tick, 8), c0, ProfileBytes(p));

    public static byte[] Commitment(byte[] genesis, byte[] root) => H(Ascii("TSC-PROOF"), genesis, root);

    public static byte[] PathDigest(byte[] genesis, byte[] finalContext) => H(Ascii("TSC-PATH"), genesis, finalContext);

    public static uint Nonce(byte[] digest)
    {
        var h = H(Ascii("TSC-NONCE"), digest);
        return h[0] | (uint)h[1] << 8 | (uint)h[2] << 16 | (uint)h[3] << 24;
    }

    public static bool Eligible(BigInteger[] probabilities, BigInteger ceiling) =>
        probabilities.Aggregate(BigInteger.Zero, (a, x) => a + x) <= ceiling * probabilities.Length;

    /// <summary>§8: one proof, every rule applied in order.</summary>
    public sealed record WindowRun(int[] Salt, BigInteger[] Draws, int[] Tokens, BigInteger[] Probabilities, byte[][] Leaves, byte[] Genesis, byte[] Root,
        byte[] Commitment, uint Nonce, byte[] PathDigest, bool Eligible);

    public static WindowRun RunWindow(byte[] b, byte[] v, ulong tick, byte[] modelId, int[] prompt, Profile p, (int Id, uint Bits)[][] evidencePerStep, byte[][] statistics)
    {
        if (evidencePerStep.Length != p.W) throw new ArgumentException("a proof is exactly W steps");
        var c0 = C0(modelId, prompt);
        var genesis = Genesis(b, v, tick, c0, p);
        var salt = Salt(b, v, tick, p.Dt, c0, p.S, p.V);
        var c = salt.Aggregate(c0, CNext);
        var history = prompt.Concat(salt).ToList();
        var draws = new List<BigInteger>();
        var tokens = new List<int>();
        var probabilities = new List<BigInteger>();
        var leaves = new List<byte[]>();
        for (var t = 0; t < p.W; t++)
        {
            var u = U(b, v, tick, (uint)t, c, p.Dt);
            var penalized = (p.LastN == 0 ? history : history.Skip(Math.Max(0, history.Count - (int)p.LastN))).ToHashSet();
            var outcome = Sample(evidencePerStep[t], p.Tau, p.TopK, p.TopP, p.Rho, penalized, u);
            leaves.Add(Leaf((uint)t, c, outcome.Token, evidencePerStep[t], outcome.ProbabilityQ32, statistics[t]));
            draws.Add(u);
            tokens.Add(outcome.Token);
            probabilities.Add(outcome.ProbabilityQ32);
            history.Add(outcome.Token);
            c = CNext(c, outcome.Token);
        }
        var root = WindowRoot(leaves.ToArray());
        var commitment = Commitment(genesis, root);
        return new WindowRun(salt, draws.ToArray(), tokens.ToArray(), probabilities.ToArray(), leaves.ToArray(), genesis, root, commitment, Nonce(commitment),
            PathDigest(genesis, c), Eligible(probabilities.ToArray(), p.Ceiling));
    }

    // ---- Section 10: transcript bytes ----

    /// <summary>Unsigned LEB128, shortest form: 7 bits per byte, low group first, high bit set on every byte but the last.</summary>
    public static byte[] Leb128(ulong x)
    {
        var bytes = new List<byte>();
        do
        {
            var group = (byte)(x % 128);
            x /= 128;
            bytes.Add(x == 0 ? group : (byte)(group + 128));
        } while (x != 0);
        return bytes.ToArray();
    }

    /// <summary>
    /// The version-2 encoding of a proof whose steps are (token, evidence, 76 statistics bytes). Evidence ids go out in
    /// ascending order as gaps id_i − id_{i−1} − 1 (id_{−1} = −1).
    /// </summary>
    public static byte[] EncodeTranscript(byte[] modelId, Profile p, byte[] b, byte[] v, ulong tick, int[] prompt,
        (int Token, (int Id, uint Bits)[] Evidence, byte[] Statistics)[] steps)
    {
        var parts = new List<byte[]> { Ascii("TSCP"), Le(2, 2), new[] { (byte)modelId.Length }, modelId, ProfileBytes(p), new[] { (byte)b.Length }, b, v, Le(tick, 8), Le((ulong)prompt.Length, 4) };
        parts.AddRange(prompt.Select(x => Le((ulong)x, 4)));
        foreach (var (token, evidence, stats) in steps)
        {
            parts.Add(Le((ulong)token, 4));
            var sorted = evidence.OrderBy(c => c.Id).ToArray();
            var previous = -1;
            foreach (var c in sorted)
            {
                parts.Add(Leb128((ulong)(c.Id - previous - 1)));
                previous = c.Id;
            }
            parts.AddRange(sorted.Select(c => Le(c.Bits, 4)));
            if (stats.Length != 76) throw new ArgumentException("statistics are 76 bytes");
            parts.Add(stats);
        }
        return Cat(parts.ToArray());
    }
}
