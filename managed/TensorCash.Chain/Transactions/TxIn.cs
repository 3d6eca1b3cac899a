namespace TensorCash.Chain.Transactions;

/// <summary>A transaction input: what it spends, the unlocking script, and nSequence (BIP68/CSV semantics).</summary>
public sealed record TxIn(OutPoint Prevout, byte[] ScriptSig, uint Sequence = TxIn.SequenceFinal)
{
    public const uint SequenceFinal = 0xFFFF_FFFF;
}
