using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Node.Wallet;

namespace TensorCash.Tests.Node.Wallet;

public class CoinSelectorTests
{
    /// <summary>Selection over plain numbers: each "coin" is its own effective value.</summary>
    private static long[]? Select(long[] coins, long target, long changeThreshold) =>
        CoinSelector.Select(coins, c => c, target, changeThreshold)?.OrderDescending().ToArray();

    [Test]
    public void Branch_and_bound_finds_an_exact_changeless_set_that_largest_first_would_miss()
    {
        // Largest first would take 10 and then the smallest coin covering 2 (that is 3), needing change;
        // 7 + 5 hits 12 exactly.
        Assert.That(Select([10, 7, 5, 3], target: 12, changeThreshold: 1), Is.EqualTo(new long[] { 7, 5 }));
    }

    [Test]
    public void Branch_and_bound_takes_the_least_excess_within_the_change_threshold()
    {
        // Sets in [20, 24): {16, 5} and {9, 7, 5} make 21, {16, 7} makes 23; the least excess is 1.
        var chosen = Select([16, 9, 7, 5], target: 20, changeThreshold: 4)!;
        Assert.That(chosen.Sum(), Is.EqualTo(21));
    }

    [Test]
    public void Without_a_changeless_set_largest_first_finishes_with_the_smallest_covering_coin()
    {
        // Nothing lands in [11, 12): take 10, then the smallest coin covering the missing 1 is 2.
        Assert.That(Select([10, 6, 2], target: 11, changeThreshold: 1), Is.EqualTo(new long[] { 10, 2 }));
        // One coin alone covers the target: the smallest such coin, not the largest.
        Assert.That(Select([100, 40, 30, 1], target: 25, changeThreshold: 1), Is.EqualTo(new long[] { 30 }));
    }

    [Test]
    public void Coins_that_cost_more_than_they_are_worth_are_never_chosen()
    {
        Assert.That(Select([0, -5, 10], target: 10, changeThreshold: 1), Is.EqualTo(new long[] { 10 }));
        Assert.That(Select([0, -5, 9], target: 10, changeThreshold: 1), Is.Null);
    }

    [Test]
    public void Not_enough_in_total_gives_null()
    {
        Assert.That(Select([4, 3, 2], target: 10, changeThreshold: 5), Is.Null);
        Assert.That(Select([], target: 1, changeThreshold: 5), Is.Null);
    }

    [Test]
    public void Many_equal_coins_are_searched_without_running_out_of_tries()
    {
        // 60 equal coins would be 2^60 branches without the equal-value skip; with it an exact set is found at once.
        var coins = Enumerable.Repeat(1_000L, 60).ToArray();
        Assert.That(CoinSelector.BranchAndBound(coins, 37_000, 1), Has.Length.EqualTo(37));
    }

    [Test]
    public void Selection_covers_the_target_exactly_when_the_coins_can()
    {
        var coins = Gen.Choose(-50, 5_000).Select(v => (long)v).ArrayOf().Select(a => a.Take(40).ToArray()).ToArbitrary();
        Prop.ForAll(coins, Gen.Choose(1, 60_000).ToArbitrary(), Gen.Choose(1, 1_000).ToArbitrary(), (values, target, threshold) =>
        {
            var chosen = Select(values, target, threshold);
            long reachable = values.Where(v => v > 0).Sum();
            if (reachable < target) return chosen is null;
            if (chosen is null || chosen.Sum() < target || chosen.Any(v => v <= 0)) return false;
            // Every chosen coin is one of the offered coins, used at most as often as offered.
            var offered = values.Where(v => v > 0).GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
            return chosen.GroupBy(v => v).All(g => offered.GetValueOrDefault(g.Key) >= g.Count());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Test]
    public void Branch_and_bound_results_lie_in_the_changeless_window()
    {
        var coins = Gen.Choose(1, 2_000).Select(v => (long)v).ArrayOf().Select(a => a.Take(25).OrderDescending().ToArray()).ToArbitrary();
        Prop.ForAll(coins, Gen.Choose(1, 20_000).ToArbitrary(), Gen.Choose(1, 300).ToArbitrary(), (values, target, threshold) =>
        {
            var chosen = CoinSelector.BranchAndBound(values, target, threshold);
            if (chosen is null) return true;
            long sum = chosen.Sum(i => values[i]);
            return sum >= target && sum - target < threshold && chosen.Distinct().Count() == chosen.Length;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Test]
    public void Branch_and_bound_finds_a_window_set_whenever_one_exists_in_small_cases()
    {
        var random = new Random(20260101);
        for (int round = 0; round < 300; round++)
        {
            var values = Enumerable.Range(0, random.Next(1, 11)).Select(_ => (long)random.Next(1, 100)).OrderDescending().ToArray();
            long target = random.Next(1, 400);
            long threshold = random.Next(1, 20);
            bool exists = Enumerable.Range(1, (1 << values.Length) - 1)
                .Select(mask => Enumerable.Range(0, values.Length).Where(i => (mask >> i & 1) == 1).Sum(i => values[i]))
                .Any(sum => sum >= target && sum - target < threshold);
            Assert.That(CoinSelector.BranchAndBound(values, target, threshold) is not null, Is.EqualTo(exists),
                $"values [{string.Join(", ", values)}], target {target}, threshold {threshold}");
        }
    }
}
