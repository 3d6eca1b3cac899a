using TensorCash.Chain.Serialization;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Mempool;

/// <summary>
/// Chooses a block's transactions from a pool snapshot by ancestor score (Bitcoin Core's addPackageTxs): repeatedly take
/// the transaction whose package (itself and its not-yet-chosen in-pool ancestors) pays the best fee rate, and add the
/// whole package, parents first, if it fits the byte and sigop budgets. A parent can therefore never be left out while
/// its child goes in, and a child paying generously pulls its cheap parent in early (child pays for parent). When a
/// package goes in, its chosen members are subtracted from the packages of their remaining descendants.
/// </summary>
internal static class AncestorPackageSelection
{
    /// <summary>
    /// The chosen entries in block order. <paramref name="entries"/> is in topological order (parents first).
    /// <paramref name="byteBudget"/> covers the transactions and the block's transaction-count prefix, which counts
    /// <paramref name="transactionsAlready"/> transactions (the coinbase) besides the chosen ones.
    /// </summary>
    public static IReadOnlyList<MempoolEntry> Select(IReadOnlyList<MempoolEntry> entries, long byteBudget, long sigOpBudget, int transactionsAlready)
    {
        int n = entries.Count;
        var indexOf = new Dictionary<Hash256, int>(n);
        for (int i = 0; i < n; i++) indexOf[entries[i].Txid] = i;

        var children = new List<int>[n];
        var ancestors = new HashSet<int>[n];
        var packageFee = new long[n];
        var packageBytes = new long[n];
        var packageSigOps = new long[n];
        for (int i = 0; i < n; i++)
        {
            children[i] = new List<int>();
            ancestors[i] = new HashSet<int>();
            foreach (var input in entries[i].Transaction.Inputs)
                if (indexOf.TryGetValue(input.Prevout.Txid, out int parent))
                {
                    if (!children[parent].Contains(i)) children[parent].Add(i);
                    // Parents come first in the snapshot, so their ancestor sets are already complete.
                    if (ancestors[i].Add(parent)) ancestors[i].UnionWith(ancestors[parent]);
                }
            packageFee[i] = entries[i].Fee;
            packageBytes[i] = entries[i].Size;
            packageSigOps[i] = entries[i].SigOps;
            foreach (int a in ancestors[i])
            {
                packageFee[i] += entries[a].Fee;
                packageBytes[i] += entries[a].Size;
                packageSigOps[i] += entries[a].SigOps;
            }
        }

        // Best package rate first; ties go to the earlier admission, so the choice is deterministic.
        var queue = new SortedSet<int>(Comparer<int>.Create((a, b) =>
        {
            int byRate = FeeRate.Compare(packageFee[b], packageBytes[b], packageFee[a], packageBytes[a]);
            return byRate != 0 ? byRate : a.CompareTo(b);
        }));
        for (int i = 0; i < n; i++) queue.Add(i);

        var included = new bool[n];
        var chosen = new List<MempoolEntry>();
        long bytes = 0, sigOps = 0;
        while (queue.Count > 0)
        {
            int best = queue.Min;
            queue.Remove(best);
            // A package that does not fit now never will (the block only grows); its descendants' packages contain it,
            // so they will not fit either.
            var package = ancestors[best].Where(a => !included[a]).Append(best).Order().ToArray();
            long countPrefix = ChainWriter.CompactSizeLength((ulong)(transactionsAlready + chosen.Count + package.Length));
            if (countPrefix + bytes + packageBytes[best] > byteBudget || sigOps + packageSigOps[best] > sigOpBudget) continue;

            foreach (int member in package)
            {
                queue.Remove(member);
                included[member] = true;
                chosen.Add(entries[member]);
                bytes += entries[member].Size;
                sigOps += entries[member].SigOps;
            }
            foreach (int member in package)
                foreach (int descendant in Descendants(member, children))
                {
                    if (included[descendant] || !queue.Remove(descendant)) continue;
                    packageFee[descendant] -= entries[member].Fee;
                    packageBytes[descendant] -= entries[member].Size;
                    packageSigOps[descendant] -= entries[member].SigOps;
                    queue.Add(descendant);
                }
        }
        return chosen;
    }

    private static HashSet<int> Descendants(int root, List<int>[] children)
    {
        var found = new HashSet<int>();
        var pending = new Stack<int>(children[root]);
        while (pending.TryPop(out int next))
            if (found.Add(next))
                foreach (int child in children[next]) pending.Push(child);
        return found;
    }
}
