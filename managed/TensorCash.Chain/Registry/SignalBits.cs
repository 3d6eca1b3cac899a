namespace TensorCash.Chain.Registry;

/// <summary>
/// BIP9-style support signals in nVersion: a block signals when its top three bits are 001, and then supports the
/// pending model of slot s when bit s is set.
/// </summary>
public static class SignalBits
{
    public const int TopMask = unchecked((int)0xE0000000);
    public const int TopBits = 0x20000000;

    public static bool IsSignalling(int version) => (version & TopMask) == TopBits;

    /// <summary>0x20000000 | the bits of <paramref name="slots"/> (each in 0..28).</summary>
    public static int Version(IEnumerable<int> slots)
    {
        int version = TopBits;
        foreach (int slot in slots)
        {
            if (slot is < 0 or >= RegistryParams.MaxSignalBits) throw new ArgumentOutOfRangeException(nameof(slots), slot, $"a signal slot is in 0..{RegistryParams.MaxSignalBits - 1}");
            version |= 1 << slot;
        }
        return version;
    }

    /// <summary>The slots a block with <paramref name="version"/> signals for, ascending; none unless it is signalling.</summary>
    public static IReadOnlyList<int> Slots(int version)
    {
        if (!IsSignalling(version)) return [];
        var slots = new List<int>();
        for (int s = 0; s < RegistryParams.MaxSignalBits; s++)
            if ((version & (1 << s)) != 0) slots.Add(s);
        return slots;
    }
}
