using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// Wesolowski's VDF ("Efficient verifiable delay functions", 2019) in the class group of <see cref="VdfSetup"/>
/// (docs/protocol/vdf.md):
/// <list type="bullet">
/// <item>Evaluation: y = g^(2^T), T sequential squarings; nobody knows the group order, so there is no shortcut.</item>
/// <item>Proof: ℓ = <see cref="HashToPrime"/>(D, g, y, T), π = g^⌊2^T/ℓ⌋. Evaluation keeps every κ-th power
/// C_i = g^(2^(κi)); writing q = ⌊2^T/ℓ⌋ in base 2^κ as Σ b_i 2^(κi) gives π = Π_i C_i^(b_i) = Π_β (Π_{b_i = β} C_i)^β,
/// about T/κ + 2^(κ+1) compositions instead of another T squarings (the paper's §4.1 idea, without its
/// memory-limited variant). κ minimizes that count.</item>
/// <item>Verification: r = 2^T mod ℓ and π^ℓ · g^r = y, one joint square-and-multiply over 256-bit exponents
/// (4-bit windows for π): about 256 squarings and 80 compositions whatever T is. Before any of it, both forms must be reduced forms of D (the decoder or
/// <see cref="Verify"/> checks it), so a hostile input cannot make the arithmetic grow.</item>
/// </list>
/// </summary>
public static class WesolowskiVdf
{
    /// <summary>The largest T accepted: q = ⌊2^T/ℓ⌋ is held in memory (2^30 bits = 128 MiB); consensus T is far smaller.</summary>
    public const ulong MaxTicks = 1UL << 30;

    /// <summary>y = g^(2^T) and its proof π.</summary>
    public static VdfResult Evaluate(VdfSetup setup, ulong ticks)
    {
        CheckTicks(ticks);
        var group = setup.Group;
        int kappa = ChunkBits(ticks);
        var checkpoints = new List<QuadraticForm>((int)(ticks / (ulong)kappa) + 1);
        var x = setup.Generator;
        for (ulong i = 0; i < ticks; i++)
        {
            if (i % (ulong)kappa == 0) checkpoints.Add(x);
            x = group.Square(x);
        }
        var challenge = Challenge(setup, ticks, x);
        return new VdfResult(x, Prove(group, checkpoints, kappa, challenge, ticks));
    }

    /// <summary>π = g^⌊2^T/ℓ⌋ from the checkpoints C_i = g^(2^(κi)).</summary>
    private static QuadraticForm Prove(ClassGroup group, List<QuadraticForm> checkpoints, int kappa, BigInteger challenge, ulong ticks)
    {
        var quotient = (BigInteger.One << (int)ticks) / challenge;
        int buckets = 1 << kappa;
        var bucket = new QuadraticForm?[buckets];
        var digitMask = (BigInteger)(buckets - 1);
        for (int i = 0; i < checkpoints.Count; i++)
        {
            int digit = (int)((quotient >> (i * kappa)) & digitMask);
            if (digit == 0) continue;
            bucket[digit] = bucket[digit] is { } held ? group.Compose(held, checkpoints[i]) : checkpoints[i];
        }
        // Π_β Y_β^β: running = Y_{top} · … · Y_β, and the result multiplies in every running product once per β.
        QuadraticForm? running = null, result = null;
        for (int digit = buckets - 1; digit >= 1; digit--)
        {
            if (bucket[digit] is { } y) running = running is { } r ? group.Compose(r, y) : y;
            if (running is { } current) result = result is { } acc ? group.Compose(acc, current) : current;
        }
        return result ?? group.Identity;
    }

    /// <summary>
    /// κ minimizing ⌊T/κ⌋ + 2^(κ+1) compositions (at least 1, at most 16 so the buckets stay small; integers only, like
    /// all consensus code, although κ changes only the prover's work, never π).
    /// </summary>
    public static int ChunkBits(ulong ticks)
    {
        int best = 1;
        ulong bestCost = ulong.MaxValue;
        for (int kappa = 1; kappa <= 16; kappa++)
        {
            ulong cost = ticks / (ulong)kappa + (1UL << (kappa + 1));
            if (cost < bestCost)
            {
                bestCost = cost;
                best = kappa;
            }
        }
        return best;
    }

    /// <summary>Checks that <paramref name="proof"/> shows y = g^(2^T); null when it does.</summary>
    public static VdfRejection? Verify(VdfSetup setup, ulong ticks, QuadraticForm y, QuadraticForm proof)
    {
        CheckTicks(ticks);
        foreach (var (form, name) in new[] { (y, "output y"), (proof, "proof π") })
        {
            if (form.A.Sign <= 0 || form.Discriminant != setup.Discriminant)
                return new(VdfRejectReason.Discriminant, $"{name} {form} is no form of the seed's discriminant");
            if (!form.IsReduced) return new(VdfRejectReason.NotReduced, $"{name} {form} is not reduced");
        }
        var challenge = Challenge(setup, ticks, y);
        var remainder = BigInteger.ModPow(2, ticks, challenge);
        return JointPower(setup.Group, proof, challenge, setup.Generator, remainder) == y
            ? null
            : new(VdfRejectReason.Proof, $"π^ℓ · g^(2^T mod ℓ) ≠ y for T = {ticks}");
    }

    /// <summary>Window width for π^ℓ: 4 bits, 64 compositions with π-powers for a 256-bit ℓ instead of about 128.</summary>
    private const int WindowBits = 4;

    /// <summary>
    /// f^e · h^k in one pass over the bits (Shamir's trick): one squaring per bit, f's exponent consumed in fixed
    /// 4-bit windows from a table f^1..f^15, h's bit by bit (h is the generator (2, 1, c): composing with it is cheap).
    /// </summary>
    private static QuadraticForm JointPower(ClassGroup group, QuadraticForm f, BigInteger e, QuadraticForm h, BigInteger k)
    {
        var table = new QuadraticForm[1 << WindowBits];
        table[0] = group.Identity;
        table[1] = f;
        for (int i = 2; i < table.Length; i++) table[i] = group.Compose(table[i - 1], f);
        long length = Math.Max((long)e.GetBitLength(), (long)k.GetBitLength());
        length = (length + WindowBits - 1) / WindowBits * WindowBits;
        var acc = group.Identity;
        for (long bit = length - 1; bit >= 0; bit--)
        {
            acc = group.Square(acc);
            if (!(k >> (int)bit).IsEven) acc = group.Compose(acc, h);
            if (bit % WindowBits == 0)
            {
                int digit = (int)((e >> (int)bit) & ((1 << WindowBits) - 1));
                if (digit != 0) acc = group.Compose(acc, table[digit]);
            }
        }
        return acc;
    }

    /// <summary>ℓ = HashToPrime(u16be(len |D|) || |D| || enc(g) || enc(y) || u64be(T)).</summary>
    public static BigInteger Challenge(VdfSetup setup, ulong ticks, QuadraticForm y)
    {
        var magnitude = (-setup.Discriminant).ToByteArray(isUnsigned: true, isBigEndian: true);
        int formBytes = setup.FormBytes;
        var input = new byte[2 + magnitude.Length + 2 * formBytes + 8];
        BinaryPrimitives.WriteUInt16BigEndian(input, (ushort)magnitude.Length);
        magnitude.CopyTo(input, 2);
        int offset = 2 + magnitude.Length;
        FormEncoding.Write(setup.Generator, setup.Bits, input.AsSpan(offset, formBytes));
        FormEncoding.Write(y, setup.Bits, input.AsSpan(offset + formBytes, formBytes));
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(offset + 2 * formBytes), ticks);
        return HashToPrime.Derive(input, setup.ChallengeBits);
    }

    /// <summary>v = SHA-256(enc(y)): the 32-byte VDF output the draws and the header carry.</summary>
    public static byte[] OutputHash(QuadraticForm y, int bits) => SHA256.HashData(FormEncoding.Encode(y, bits));

    private static void CheckTicks(ulong ticks)
    {
        if (ticks is 0 or > MaxTicks) throw new ArgumentOutOfRangeException(nameof(ticks), $"T = {ticks} is outside 1..{MaxTicks}");
    }
}

/// <summary>The VDF output y = g^(2^T) and Wesolowski's proof π.</summary>
public sealed record VdfResult(QuadraticForm Output, QuadraticForm Proof);
