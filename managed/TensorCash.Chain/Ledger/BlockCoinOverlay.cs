using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>
/// The UTXO set as seen part-way through connecting a block: the base view, minus the base coins spent so far, plus the
/// outputs created so far that are still unspent. It never writes to the base view; at the end it yields the net
/// <see cref="CoinChanges"/> (an output created and spent within the block appears in neither list).
/// </summary>
public sealed class BlockCoinOverlay(ICoinView baseView)
{
    private readonly HashSet<OutPoint> _spentFromBase = new();
    private readonly List<OutPoint> _removed = new();
    private readonly Dictionary<OutPoint, Coin> _created = new();
    private readonly List<OutPoint> _creationOrder = new();

    public Coin? GetCoin(OutPoint outPoint) =>
        _created.TryGetValue(outPoint, out var coin) ? coin
        : _spentFromBase.Contains(outPoint) ? null
        : baseView.GetCoin(outPoint);

    /// <summary>Spends <paramref name="outPoint"/> and returns its coin, or null if it is missing or already spent.</summary>
    public Coin? Spend(OutPoint outPoint)
    {
        if (_created.Remove(outPoint, out var created)) return created;
        if (_spentFromBase.Contains(outPoint)) return null;
        var coin = baseView.GetCoin(outPoint);
        if (coin is null) return null;
        _spentFromBase.Add(outPoint);
        _removed.Add(outPoint);
        return coin;
    }

    /// <summary>Adds a new output. The caller has ruled out collisions (BIP30: no output of the block exists or repeats).</summary>
    public void Create(OutPoint outPoint, Coin coin)
    {
        _created.Add(outPoint, coin);
        _creationOrder.Add(outPoint);
    }

    /// <summary>Base coins spent, in spending order; then created outputs still unspent, in creation order.</summary>
    public CoinChanges ToChanges()
    {
        var added = new List<KeyValuePair<OutPoint, Coin>>(_created.Count);
        foreach (var outPoint in _creationOrder)
            if (_created.TryGetValue(outPoint, out var coin)) added.Add(new(outPoint, coin));
        return new CoinChanges(added, _removed.ToArray());
    }
}
