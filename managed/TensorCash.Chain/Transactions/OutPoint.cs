using TensorCash.Chain.Primitives;

namespace TensorCash.Chain.Transactions;

/// <summary>A reference to one output of an earlier transaction. The coinbase input uses <see cref="Null"/>.</summary>
public readonly record struct OutPoint(Hash256 Txid, uint Index)
{
    public static readonly OutPoint Null = new(Hash256.Zero, uint.MaxValue);
    public bool IsNull => Txid.IsZero && Index == uint.MaxValue;
    public override string ToString() => $"{Txid}:{Index}";
}
