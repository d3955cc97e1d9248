using MicroAI.Runtime.Scheduling;

namespace MicroAI.Runtime.Tests.Scheduling;

public sealed class PromptStateCacheTests
{
    private static int[] Range(int start, int count) => [.. Enumerable.Range(start, count)];

    [Fact]
    public void Take_returns_the_entry_with_the_longest_shared_prefix_and_removes_it()
    {
        var cache = new PromptStateCache(1 << 20);
        cache.Add(Range(0, 10), new byte[100]);
        cache.Add(Range(100, 50), new byte[200]);

        var entry = cache.Take([.. Range(100, 40), 7, 7], atLeast: 0);

        Assert.NotNull(entry);
        Assert.Equal(50, entry.Tokens.Length);
        Assert.Equal(1, cache.Count);
        Assert.Equal(100, cache.Bytes);
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void Take_ignores_entries_that_do_not_beat_the_threshold()
    {
        var cache = new PromptStateCache(1 << 20);
        cache.Add(Range(0, 10), new byte[100]);

        Assert.Null(cache.Take(Range(0, 10), atLeast: 10));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void The_least_recently_added_entries_go_when_the_budget_is_exceeded()
    {
        var cache = new PromptStateCache(250);
        cache.Add(Range(0, 10), new byte[100]);
        cache.Add(Range(100, 10), new byte[100]);
        cache.Add(Range(200, 10), new byte[100]);

        Assert.Equal(2, cache.Count);
        Assert.Equal(200, cache.Bytes);
        Assert.Null(cache.Take(Range(0, 10), atLeast: 0));
        Assert.NotNull(cache.Take(Range(200, 10), atLeast: 0));
    }

    [Fact]
    public void A_longer_state_of_the_same_conversation_replaces_the_shorter_one()
    {
        var cache = new PromptStateCache(1 << 20);
        cache.Add(Range(0, 10), new byte[100]);
        cache.Add(Range(0, 20), new byte[150]);

        Assert.Equal(1, cache.Count);
        Assert.Equal(150, cache.Bytes);
    }

    [Fact]
    public void A_state_larger_than_the_budget_is_not_kept()
    {
        var cache = new PromptStateCache(10);
        cache.Add(Range(0, 10), new byte[11]);
        Assert.Equal(0, cache.Count);
    }
}
