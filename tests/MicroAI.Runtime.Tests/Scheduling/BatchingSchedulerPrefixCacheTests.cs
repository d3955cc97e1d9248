using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>KV-cache reuse: a slot keeps what it decoded, and the next request with the same prefix decodes only the rest.</summary>
public sealed class BatchingSchedulerPrefixCacheTests
{
    private static int[] Range(int start, int count) => [.. Enumerable.Range(start, count)];

    [Fact]
    public async Task A_follow_up_prompt_decodes_only_what_is_new_and_reports_the_cached_tokens()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.SupportsTrim = true;
        var first = Range(10, 10);
        await h.Start(SchedulerHarness.Request(first, maxTokens: 3)).CollectAsync();
        var batchesBefore = h.Decoder.Batches.Count;

        var followUp = first.Concat([30, 31]).ToArray();
        var events = await h.Start(SchedulerHarness.Request(followUp, maxTokens: 1)).CollectAsync();

        Assert.Equal(new GenerationUsage(12, 1, 10), events.Finished().Usage);
        Assert.Equal((0, 10), Assert.Single(h.Decoder.Trims));
        var prefill = h.Decoder.Batches[batchesBefore];
        Assert.Equal([(30, 10), (31, 11)], prefill.Select(e => (e.Token, e.Position)));
        Assert.Equal(10, h.Scheduler.Stats.CachedPromptTokens);
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task The_same_prompt_again_decodes_only_its_last_token()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.SupportsTrim = true;
        var prompt = Range(10, 6);
        await h.Start(SchedulerHarness.Request(prompt, maxTokens: 2)).CollectAsync();
        var batchesBefore = h.Decoder.Batches.Count;

        var events = await h.Start(SchedulerHarness.Request(prompt, maxTokens: 1)).CollectAsync();

        Assert.Equal(5, events.Finished().Usage.CachedPromptTokens);
        var prefill = h.Decoder.Batches[batchesBefore];
        Assert.Equal([(15, 5)], prefill.Select(e => (e.Token, e.Position)));
    }

    [Fact]
    public async Task A_request_goes_to_the_free_slot_sharing_its_longest_prefix()
    {
        await using var h = new SchedulerHarness(slots: 2);
        h.Decoder.SupportsTrim = true;
        // Fill both slots at once so each keeps a different conversation.
        var a = h.Start(SchedulerHarness.Request(Range(100, 8), maxTokens: 1));
        var b = h.Start(SchedulerHarness.Request(Range(200, 8), maxTokens: 1));
        await a.CollectAsync();
        await b.CollectAsync();
        var slotOfB = h.Decoder.Batches.SelectMany(x => x).First(e => e.Token == 200).Slot;

        var events = await h.Start(SchedulerHarness.Request(Range(200, 8).Concat([7]).ToArray(), maxTokens: 1)).CollectAsync();

        Assert.Equal(8, events.Finished().Usage.CachedPromptTokens);
        Assert.Equal(slotOfB, h.Decoder.Trims[^1].Slot);
    }

    [Fact]
    public async Task An_engine_that_cannot_cut_a_sequence_starts_from_an_empty_slot()
    {
        await using var h = new SchedulerHarness(slots: 1);
        var prompt = Range(10, 6);
        await h.Start(SchedulerHarness.Request(prompt, maxTokens: 2)).CollectAsync();

        var events = await h.Start(SchedulerHarness.Request(prompt, maxTokens: 1)).CollectAsync();

        Assert.Equal(0, events.Finished().Usage.CachedPromptTokens);
        Assert.Equal(2, h.Decoder.ClearedSlots.Count);
    }

    [Fact]
    public async Task A_short_accidental_match_does_not_evict_a_cached_conversation()
    {
        await using var h = new SchedulerHarness(slots: 2);
        h.Decoder.SupportsTrim = true;
        var conversation = Range(10, 20);
        await h.Start(SchedulerHarness.Request(conversation, maxTokens: 1)).CollectAsync();
        var slotOfConversation = h.Decoder.Batches[0][0].Slot;

        // Shares only its first token (a BOS) with the conversation: goes to the empty slot.
        await h.Start(SchedulerHarness.Request([10, 99, 98, 97, 96, 95], maxTokens: 1)).CollectAsync();
        var events = await h.Start(SchedulerHarness.Request(conversation.Concat([5]).ToArray(), maxTokens: 1)).CollectAsync();

        Assert.Equal(20, events.Finished().Usage.CachedPromptTokens);
        Assert.Equal(slotOfConversation, h.Decoder.Trims[^1].Slot);
    }

    [Fact]
    public async Task A_conversation_that_lost_its_slot_comes_back_from_host_memory()
    {
        await using var h = new SchedulerHarness(slots: 1, promptCacheBytes: 1 << 20);
        h.Decoder.SupportsTrim = true;
        h.Decoder.SupportsState = true;
        var a = Range(10, 40);
        var b = Range(500, 40);
        await h.Start(SchedulerHarness.Request(a, maxTokens: 1)).CollectAsync();
        await h.Start(SchedulerHarness.Request(b, maxTokens: 1)).CollectAsync(); // takes A's slot: A is saved
        var batchesBefore = h.Decoder.Batches.Count;

        var events = await h.Start(SchedulerHarness.Request([.. a, 1, 2], maxTokens: 1)).CollectAsync();

        Assert.Equal(40, events.Finished().Usage.CachedPromptTokens);
        Assert.Equal((0, 0), Assert.Single(h.Decoder.Restores));
        Assert.Equal([(1, 40), (2, 41)], h.Decoder.Batches[batchesBefore].Select(e => (e.Token, e.Position)));
        Assert.Equal(1, h.Scheduler.Stats.PromptCacheRestores);
        Assert.True(h.Scheduler.Stats.PromptCacheBytes > 0); // B was saved when A came back
    }

    [Fact]
    public async Task Without_a_host_cache_budget_nothing_is_saved()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.SupportsTrim = true;
        h.Decoder.SupportsState = true;
        var a = Range(10, 40);
        await h.Start(SchedulerHarness.Request(a, maxTokens: 1)).CollectAsync();
        await h.Start(SchedulerHarness.Request(Range(500, 40), maxTokens: 1)).CollectAsync();

        var events = await h.Start(SchedulerHarness.Request([.. a, 1], maxTokens: 1)).CollectAsync();

        Assert.Equal(0, events.Finished().Usage.CachedPromptTokens);
        Assert.Empty(h.Decoder.Restores);
    }
}
