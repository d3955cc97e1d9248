namespace MicroAI.Runtime.Scheduling.Policies;

/// <summary>
/// The free slot sharing the longest prefix with the prompt, when that prefix is worth it (half
/// the prompt or 128 tokens, like llama-server's slot similarity of 0.5); otherwise the free
/// slot that holds the least (empty, then least recently used), so a short accidental match
/// (a shared BOS, a common system line) does not evict a long cached conversation.
/// </summary>
internal static class LongestPrefixSlot
{
    public static SlotChoice Choose(ISchedulerView view, ReadOnlySpan<int> prompt)
    {
        int best = -1, bestPrefix = -1, cheapest = -1;
        for (var i = 0; i < view.SlotCount; i++)
        {
            if (!view.IsSlotFree(i))
                continue;
            var prefix = view.CachedTokens(i).CommonPrefixLength(prompt);
            if (prefix > bestPrefix || (prefix == bestPrefix && view.LastUsed(i) < view.LastUsed(best)))
                (best, bestPrefix) = (i, prefix);
            if (Cheaper(view, i, cheapest))
                cheapest = i;
        }
        if (bestPrefix * 2 >= prompt.Length || bestPrefix >= 128)
            return new SlotChoice(best, bestPrefix);
        return new SlotChoice(cheapest, view.CachedTokens(cheapest).CommonPrefixLength(prompt));
    }

    /// <summary>Is slot <paramref name="a"/> a cheaper eviction than <paramref name="than"/>: empty first, then least recently used.</summary>
    private static bool Cheaper(ISchedulerView view, int a, int than)
    {
        if (than < 0)
            return true;
        bool emptyA = view.CachedTokens(a).IsEmpty, emptyThan = view.CachedTokens(than).IsEmpty;
        return emptyA != emptyThan ? emptyA : view.LastUsed(a) < view.LastUsed(than);
    }
}
