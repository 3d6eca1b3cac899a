namespace TensorCash.Proof;

/// <summary>Token ids are the engine's non-negative ints; on the wire they are u32.</summary>
internal static class TokenIds
{
    public static uint ToWire(int token, string what) =>
        token >= 0 ? (uint)token : throw new ProofInputException($"{what} has negative id {token}");
}
