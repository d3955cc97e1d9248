namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// Slot caches saved to host RAM when their slot is taken by another conversation, so a returning
/// conversation restores its prefix instead of decoding it again (on the 125M benchmark model a
/// 1,300-token prefix costs ~2.3 s to decode and ~16 MB to keep). Least recently used entries go
/// first when the byte budget is exceeded. Used only by the scheduler's thread.
/// </summary>
internal sealed class PromptStateCache(long budgetBytes)
{
    private readonly LinkedList<Entry> _lru = new(); // most recent first

    public long Bytes { get; private set; }
    public int Count => _lru.Count;
    public long Hits { get; private set; }

    public sealed record Entry(int[] Tokens, byte[] State)
    {
        private ulong[]? _prefixHashes;

        /// <summary>
        /// Computed on first use by whoever asks (the prefix route's reader), then kept: the tokens
        /// never change, so two threads racing here compute the same array.
        /// </summary>
        public ulong[] PrefixHashes => Volatile.Read(ref _prefixHashes) ?? (_prefixHashes = Scheduling.PrefixHashes.Compute(Tokens));
    }

    public IEnumerable<Entry> Entries => _lru;

    public void Add(int[] tokens, byte[] state)
    {
        if (state.Length > budgetBytes)
            return;
        // An entry that is a prefix of the new one (or equal) is superseded.
        for (var node = _lru.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Tokens.Length <= tokens.Length && tokens.AsSpan().StartsWith(node.Value.Tokens))
                Remove(node);
            node = next;
        }
        _lru.AddFirst(new Entry(tokens, state));
        Bytes += state.Length;
        while (Bytes > budgetBytes && _lru.Last is { } oldest)
            Remove(oldest);
    }

    /// <summary>The entry sharing the longest prefix with the prompt (removed from the cache: it moves into a slot).</summary>
    public Entry? Take(ReadOnlySpan<int> prompt, int atLeast)
    {
        LinkedListNode<Entry>? best = null;
        var bestPrefix = atLeast;
        for (var node = _lru.First; node is not null; node = node.Next)
        {
            var prefix = node.Value.Tokens.AsSpan().CommonPrefixLength(prompt);
            if (prefix > bestPrefix)
                (best, bestPrefix) = (node, prefix);
        }
        if (best is null)
            return null;
        Remove(best);
        Hits++;
        return best.Value;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        Bytes -= node.Value.State.Length;
        _lru.Remove(node);
    }
}
