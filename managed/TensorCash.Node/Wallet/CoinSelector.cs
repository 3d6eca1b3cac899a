namespace TensorCash.Node.Wallet;

/// <summary>
/// Chooses which coins pay for a transaction. Amounts here are effective values: a coin's value minus the fee its
/// own input adds, so every coin chosen pays for itself and <c>target</c> is the amount plus the fee of the
/// transaction without inputs. Coins whose input would cost at least their value are never chosen.
/// <para>
/// 1. Branch and bound (Bitcoin Core's BnB, Murch 2016): a depth-first search over the coins, largest first, for a
///    set whose total lies in [target, target + changeThreshold). Such a set needs no change output (the excess is
///    less than a change output would cost to create and later spend, or would be dust), which saves fees and
///    avoids linking a change address. Among the sets found within <see cref="MaxBranchAndBoundTries"/> steps the
///    one with the least excess wins.
/// </para>
/// <para>
/// 2. Otherwise largest first: while no single remaining coin covers what is still needed, take the largest;
///    then finish with the smallest coin that covers the rest. That keeps the input count (and so the fee) low
///    without always spending the biggest coin.
/// </para>
/// </summary>
public static class CoinSelector
{
    /// <summary>Core's TOTAL_TRIES: bounds the search (its worst case is exponential) to a few milliseconds.</summary>
    public const int MaxBranchAndBoundTries = 100_000;

    /// <summary>
    /// The coins to spend, or null when even all of them do not reach <paramref name="target"/>.
    /// <paramref name="effectiveValue"/> maps a coin to its value minus its input's fee.
    /// </summary>
    public static IReadOnlyList<T>? Select<T>(IReadOnlyList<T> coins, Func<T, long> effectiveValue, long target, long changeThreshold)
    {
        var candidates = coins.Select(c => (Coin: c, Value: effectiveValue(c))).Where(c => c.Value > 0)
            .OrderByDescending(c => c.Value).ToArray();
        long available = 0;
        foreach (var candidate in candidates) available = checked(available + candidate.Value);
        if (available < target) return null;

        var values = candidates.Select(c => c.Value).ToArray();
        var chosen = BranchAndBound(values, target, changeThreshold) ?? LargestFirst(values, target);
        return chosen.Select(i => candidates[i].Coin).ToArray();
    }

    /// <summary>Indices (into <paramref name="values"/>, sorted descending) of a changeless set with the least excess, or null.</summary>
    internal static int[]? BranchAndBound(long[] values, long target, long changeThreshold)
    {
        int n = values.Length;
        var remainingAfter = new long[n + 1]; // remainingAfter[i] = values[i] + ... + values[n-1]
        for (int i = n - 1; i >= 0; i--) remainingAfter[i] = remainingAfter[i + 1] + values[i];

        var included = new bool[n];
        bool[]? best = null;
        long bestExcess = long.MaxValue;
        long total = 0;
        int depth = 0; // coins [0, depth) are decided; included[] says which of them are in
        for (int tries = 0; tries < MaxBranchAndBoundTries; tries++)
        {
            bool backtrack;
            if (total + remainingAfter[depth] < target) backtrack = true;          // even every undecided coin is not enough
            else if (total - target >= changeThreshold) backtrack = true;          // overshot: this set would need change
            else if (total >= target)
            {
                if (total - target < bestExcess)
                {
                    bestExcess = total - target;
                    best = (bool[])included.Clone();
                    if (bestExcess == 0) break; // nothing beats an exact match
                }
                backtrack = true; // adding coins only adds excess
            }
            else backtrack = false;

            if (backtrack)
            {
                // Undo trailing omissions, then turn the last inclusion into an omission and explore from there.
                while (depth > 0 && !included[depth - 1]) depth--;
                if (depth == 0) break; // every branch explored
                included[depth - 1] = false;
                total -= values[depth - 1];
                continue;
            }

            // Including a coin equal to one just omitted would only repeat a set already explored.
            if (depth > 0 && !included[depth - 1] && values[depth] == values[depth - 1])
            {
                depth++;
                continue;
            }
            included[depth] = true;
            total += values[depth];
            depth++;
        }
        return best is null ? null : Enumerable.Range(0, n).Where(i => best[i]).ToArray();
    }

    /// <summary>Largest first, finishing with the smallest coin that covers the rest. Assumes the values reach the target.</summary>
    internal static int[] LargestFirst(long[] values, long target)
    {
        var chosen = new List<int>();
        long needed = target;
        int next = 0; // values are sorted descending; coins before next are taken
        while (needed > 0)
        {
            int smallestCovering = -1;
            for (int i = values.Length - 1; i >= next; i--)
                if (values[i] >= needed) { smallestCovering = i; break; }
            if (smallestCovering >= 0)
            {
                chosen.Add(smallestCovering);
                break;
            }
            chosen.Add(next);
            needed -= values[next];
            next++;
        }
        return chosen.ToArray();
    }
}
