using System.Text;

namespace TensorCash.Proof.Models;

/// <summary>
/// One tensor as the model id commits to it (registry.md §1): role name, dtype (the engine's numbering: 0 F32, 1 F16,
/// 2 BF16, 3 Q8_0), row-major shape, byte length and the chunked <see cref="TensorDataHash"/> of its bytes. A fraud
/// proof carries leaves in this encoding, so every field is bounded before anything is allocated or hashed.
/// </summary>
public sealed record TensorLeaf(string Role, byte DType, long[] Shape, long ByteLength, byte[] DataHash)
{
    public const byte F32 = 0, F16 = 1, BF16 = 2, Q8_0 = 3;
    public const int MaxRoleLength = 64;
    public const int MaxRank = 4;
    /// <summary>1 TiB: larger than any tensor of a real model; bounds a zero-tensor check at 2^20 chunk hashes.</summary>
    public const long MaxByteLength = 1L << 40;

    /// <summary>Role suffix (after the last '.'): "wq", "w_down", "token_embedding"... Duplicate checks compare it.</summary>
    public string RoleSuffix => Role[(Role.LastIndexOf('.') + 1)..];

    /// <summary>q/k/v biases, the one kind of tensor that is legitimately all zero.</summary>
    public bool IsBias => RoleSuffix is "bq" or "bk" or "bv";

    /// <summary>SHA-256("TSC-TENSOR" || encoding): the Merkle leaf.</summary>
    public byte[] Hash() => new HashInput().Raw(DomainTags.Tensor).Raw(Encode()).Sha256();

    /// <summary>u8 len + role, u8 dtype, u8 rank, i64 dims, i64 byteLength, 32-byte data hash.</summary>
    public byte[] Encode()
    {
        Validate();
        var role = Encoding.ASCII.GetBytes(Role);
        var w = new LittleEndianWriter(3 + role.Length + 8 * Shape.Length + 8 + 32).U8((byte)role.Length).Bytes(role).U8(DType).U8((byte)Shape.Length);
        foreach (long dim in Shape) w.U64((ulong)dim);
        return w.U64((ulong)ByteLength).Bytes(DataHash).ToArray();
    }

    /// <summary>Reads one leaf from the start of <paramref name="bytes"/>; <paramref name="consumed"/> says how many bytes it used.</summary>
    public static TensorLeaf Decode(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var r = new LittleEndianReader(bytes);
        int roleLength = r.U8("tensor role length");
        if (roleLength is 0 or > MaxRoleLength) throw new ProofInputException($"tensor role length {roleLength} is outside 1..{MaxRoleLength}");
        var roleBytes = r.Bytes(roleLength, "tensor role");
        foreach (byte b in roleBytes)
            if (b is < 0x21 or > 0x7E) throw new ProofInputException($"tensor role has byte 0x{b:x2}; only printable ASCII is allowed");
        byte dtype = r.U8("tensor dtype");
        int rank = r.U8("tensor rank");
        if (rank is 0 or > MaxRank) throw new ProofInputException($"tensor rank {rank} is outside 1..{MaxRank}");
        var shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = r.I64("tensor dim");
        long length = r.I64("tensor byte length");
        var hash = r.Bytes(32, "tensor data hash").ToArray();
        var leaf = new TensorLeaf(Encoding.ASCII.GetString(roleBytes), dtype, shape, length, hash);
        leaf.Validate();
        consumed = r.Position;
        return leaf;
    }

    /// <summary>Throws <see cref="ProofInputException"/> unless the fields are in range and the byte length matches dtype and shape.</summary>
    public void Validate()
    {
        if (Role.Length is 0 or > MaxRoleLength) throw new ProofInputException($"tensor role \"{Role}\" is not 1..{MaxRoleLength} characters");
        if (Shape.Length is 0 or > MaxRank) throw new ProofInputException($"tensor {Role}: rank {Shape.Length} is outside 1..{MaxRank}");
        if (DataHash.Length != 32) throw new ProofInputException($"tensor {Role}: data hash is {DataHash.Length} bytes, not 32");
        long expected = ByteLengthFor(DType, Shape);
        if (expected < 0) throw new ProofInputException($"tensor {Role}: dtype {DType} with shape [{string.Join(", ", Shape)}] is not a valid tensor");
        if (ByteLength != expected) throw new ProofInputException($"tensor {Role}: {ByteLength} bytes, but dtype {DType} and shape [{string.Join(", ", Shape)}] need {expected}");
    }

    /// <summary>
    /// Bytes of a tensor of this dtype and shape (Q8_0: 34 bytes per block of 32 along the last dimension), or -1 if
    /// the dtype is unknown, a dimension is not positive, the last dimension of a Q8_0 tensor is not a multiple of 32,
    /// or the size exceeds <see cref="MaxByteLength"/>.
    /// </summary>
    public static long ByteLengthFor(byte dtype, long[] shape)
    {
        long elements = 1;
        foreach (long dim in shape)
        {
            if (dim < 1 || dim > MaxByteLength / elements) return -1; // checked before multiplying: never overflows
            elements *= dim;
        }
        long bytes = dtype switch
        {
            F32 => elements * 4,
            F16 or BF16 => elements * 2,
            Q8_0 when shape.Length > 0 && shape[^1] % 32 == 0 => elements / 32 * 34,
            _ => -1,
        };
        return bytes > MaxByteLength ? -1 : bytes;
    }
}
