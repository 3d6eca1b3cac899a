using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>
/// A UTXO set held in a dictionary: for tests, and as the mempool's layer of unconfirmed outputs.
/// <see cref="Apply"/> is strict, so a change list that does not fit the set is reported instead of silently merged.
/// </summary>
public sealed class MemoryCoinView : ICoinView
{
    private readonly Dictionary<OutPoint, Coin> _coins = new();

    public int Count => _coins.Count;
    public IReadOnlyDictionary<OutPoint, Coin> Coins => _coins;

    public Coin? GetCoin(OutPoint outPoint) => _coins.GetValueOrDefault(outPoint);

    /// <summary>Adds one coin; throws if <paramref name="outPoint"/> is already unspent.</summary>
    public void Add(OutPoint outPoint, Coin coin)
    {
        if (!_coins.TryAdd(outPoint, coin))
            throw new InvalidOperationException($"coin {outPoint} already exists in the UTXO set");
    }

    /// <summary>
    /// Removes <see cref="CoinChanges.Removed"/> then adds <see cref="CoinChanges.Added"/>, all or nothing: throws,
    /// leaving the set unchanged, if a removed coin is missing or an added one would already exist.
    /// </summary>
    public void Apply(CoinChanges changes)
    {
        var removed = new HashSet<OutPoint>(changes.Removed.Count);
        foreach (var outPoint in changes.Removed)
            if (!_coins.ContainsKey(outPoint) || !removed.Add(outPoint))
                throw new InvalidOperationException($"cannot remove coin {outPoint}: it is not in the UTXO set, or is listed twice");
        var added = new HashSet<OutPoint>(changes.Added.Count);
        foreach (var (outPoint, _) in changes.Added)
            if ((_coins.ContainsKey(outPoint) && !removed.Contains(outPoint)) || !added.Add(outPoint))
                throw new InvalidOperationException($"cannot add coin {outPoint}: it is already in the UTXO set, or is listed twice");
        foreach (var outPoint in changes.Removed) _coins.Remove(outPoint);
        foreach (var (outPoint, coin) in changes.Added) _coins.Add(outPoint, coin);
    }
}
