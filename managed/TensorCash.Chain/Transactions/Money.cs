namespace TensorCash.Chain.Transactions;

/// <summary>
/// Amount arithmetic for consensus (Bitcoin's MoneyRange): every amount and every running sum must stay within
/// [0, MaxMoney]. Sums are checked before they are formed, so no addition can overflow (CVE-2010-5139 was an overflow
/// of an output total).
/// </summary>
public static class Money
{
    public static bool InRange(long value, long maxMoney) => value >= 0 && value <= maxMoney;

    /// <summary>
    /// <paramref name="sum"/> + <paramref name="value"/> when both and the result are within [0, maxMoney];
    /// false otherwise. <paramref name="sum"/> must already be in range (it is, when it was built by this method).
    /// </summary>
    public static bool TryAdd(long sum, long value, long maxMoney, out long result)
    {
        // sum is in [0, maxMoney], so maxMoney - sum cannot overflow, and the comparison rules out the overflowing add.
        if (!InRange(sum, maxMoney) || value < 0 || value > maxMoney - sum)
        {
            result = 0;
            return false;
        }
        result = sum + value;
        return true;
    }
}
