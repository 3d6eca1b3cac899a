using TensorCash.Chain.Registry;
using TensorCash.Chain.Serialization;

namespace TensorCash.FuzzTargets;

/// <summary>
/// The model registry's encodings. Byte 0 picks the decoder, the rest is its input: 0 a registration payload
/// (ModelRegistration.Decode), 1 a fraud proof (ModelFraudProof.Decode), 2 the stored registry actions of a block
/// (RegistryActions.Decode). Each accepted input must round-trip through its encoder.
/// </summary>
public static class RegistryTarget
{
    public const byte Registration = 0, FraudProof = 1, StoredActions = 2;

    public static FuzzTarget Create() => new("registry", "ModelRegistration / ModelFraudProof / RegistryActions.Decode", Probe,
        typeof(RegistryFormatException), typeof(ChainFormatException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var payload = input[1..];
        switch (input[0] % 3)
        {
            case Registration:
                RoundTrip.Expect(payload, ModelRegistration.Decode(payload).Encode(), "registration");
                break;
            case FraudProof:
                RoundTrip.Expect(payload, ModelFraudProof.Decode(payload).Encode(), "fraud proof");
                break;
            default:
                RoundTrip.Expect(payload, RegistryActions.Encode(RegistryActions.Decode(payload)), "registry actions");
                break;
        }
    }
}
