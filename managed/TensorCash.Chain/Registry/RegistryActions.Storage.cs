using TensorCash.Chain.Serialization;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The node's per-block record of registry actions, so it can rebuild registry snapshots at start by replaying
/// <see cref="RegistryRules.Apply"/> without reading blocks:
/// <code>
///   u8 version = 1, CompactSize count, then per action
///     u8 1 (registration), txid (32), i64 deposit value, CompactSize len + registration payload
///     u8 2 (challenge),    txid (32),                    CompactSize len + fraud proof payload
/// </code>
/// The payloads are the exact bytes of the block's outputs. Decoding re-decodes them (a corrupt record throws
/// <see cref="ChainFormatException"/>) but does not rerun the stateless rules: the record is only written for valid blocks.
/// </summary>
public static partial class RegistryActions
{
    public const byte StorageVersion = 1;
    /// <summary>
    /// More than any valid block holds (registrations need a free slot, at most <see cref="RegistryParams.MaxSignalBits"/>;
    /// challenges are capped per block): a cap that stops a corrupt count from allocating.
    /// </summary>
    public const int MaxStoredActions = 1_024;
    private const byte RegistrationTag = 1;
    private const byte ChallengeTag = 2;

    public static byte[] Encode(IReadOnlyList<RegistryAction> actions)
    {
        if (actions.Count > MaxStoredActions) throw new ArgumentException($"{actions.Count} actions; at most {MaxStoredActions}");
        var writer = new ChainWriter().U8(StorageVersion).CompactSize((ulong)actions.Count);
        foreach (var action in actions)
        {
            switch (action)
            {
                case RegistrationAction registration:
                    writer.U8(RegistrationTag).Hash(registration.Txid).I64(registration.DepositValue).VarBytes(registration.Registration.Encode());
                    break;
                case ChallengeAction challenge:
                    writer.U8(ChallengeTag).Hash(challenge.Txid).VarBytes(challenge.Proof.Encode());
                    break;
                default:
                    throw new ArgumentException($"unknown registry action {action.GetType().Name}");
            }
        }
        return writer.ToArray();
    }

    public static IReadOnlyList<RegistryAction> Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ChainReader(bytes);
        byte version = reader.U8("registry actions version");
        if (version != StorageVersion) throw new ChainFormatException($"registry actions version {version}; only {StorageVersion} is defined");
        int count = (int)reader.CompactSize("registry action count", MaxStoredActions);
        var actions = new List<RegistryAction>(count);
        for (int i = 0; i < count; i++)
        {
            byte tag = reader.U8("registry action kind");
            var txid = reader.Hash("registry action txid");
            try
            {
                switch (tag)
                {
                    case RegistrationTag:
                        long deposit = reader.I64("deposit value");
                        actions.Add(new RegistrationAction(txid, ModelRegistration.Decode(reader.VarBytes("registration", ModelRegistration.MaxPayloadBytes)), deposit));
                        break;
                    case ChallengeTag:
                        actions.Add(new ChallengeAction(txid, ModelFraudProof.Decode(reader.VarBytes("challenge", ModelFraudProof.MaxPayloadBytes))));
                        break;
                    default:
                        throw new ChainFormatException($"registry action {i}: kind {tag} is not defined");
                }
            }
            catch (RegistryFormatException e)
            {
                throw new ChainFormatException($"registry action {i}: {e.Reason}: {e.Message}");
            }
        }
        reader.ExpectEnd("registry actions");
        return actions;
    }
}
