namespace MicroAI.LoadTests;

/// <summary>
/// Combines integers into a seed that is the same in every process (HashCode.Combine is randomised
/// per process, so prompts "from a seed" would differ from run to run). SplitMix64's finaliser.
/// </summary>
internal static class SeedMix
{
    public static int Of(params ReadOnlySpan<int> values)
    {
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var v in values)
        {
            h ^= (uint)v;
            h += 0x9E3779B97F4A7C15UL;
            h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
            h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
            h ^= h >> 31;
        }
        return (int)(h ^ (h >> 32));
    }
}
