using System.Runtime.InteropServices;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// What a scheduler's KV caches hold (slots and the host-RAM prompt cache), published as immutable
/// arrays for <see cref="IGenerationScheduler.CachedPrefixHashes"/>: written by the scheduler's
/// thread when a slot is taken or freed, hashed by the reader's thread (a router's occasional poll).
/// </summary>
internal sealed class PrefixPublisher(int slots, PromptStateCache? stateCache)
{
    private readonly int[][] _slotPrefixes = CreateEmpty(slots);
    private Snapshot _published = new([], []);

    private sealed record Snapshot(int[][] Slots, PromptStateCache.Entry[] Cached);

    /// <summary>
    /// Scheduler thread only: copies the slot's whole-block tokens (a memcpy of at most 16 KB for
    /// 4,096 tokens) and publishes a new snapshot; nothing is hashed here, so the step loop pays no
    /// SHA-256 for a route nobody may ask for.
    /// </summary>
    public void Publish(int slot, List<int> slotTokens)
    {
        var tokens = CollectionsMarshal.AsSpan(slotTokens);
        _slotPrefixes[slot] = tokens[..(tokens.Length / PrefixHashes.BlockTokens * PrefixHashes.BlockTokens)].ToArray();
        Volatile.Write(ref _published, new Snapshot([.. _slotPrefixes], stateCache?.Entries.ToArray() ?? []));
    }

    /// <summary>Scheduler thread only: the slot's cache is unknown now; it is left out of the next snapshot.</summary>
    public void Forget(int slot) => _slotPrefixes[slot] = [];

    public IReadOnlyCollection<ulong> Hashes()
    {
        var snapshot = Volatile.Read(ref _published);
        var all = new HashSet<ulong>();
        foreach (var tokens in snapshot.Slots)
            all.UnionWith(PrefixHashes.Compute(tokens));
        foreach (var entry in snapshot.Cached)
            all.UnionWith(entry.PrefixHashes);
        return all;
    }

    private static int[][] CreateEmpty(int slots)
    {
        var prefixes = new int[slots][];
        Array.Fill(prefixes, []);
        return prefixes;
    }
}
