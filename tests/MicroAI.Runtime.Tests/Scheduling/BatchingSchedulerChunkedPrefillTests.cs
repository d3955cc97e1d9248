namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>The prefill budget: prompts share a step with running streams in chunks, oldest first; a lone prompt takes the batch.</summary>
public sealed class BatchingSchedulerChunkedPrefillTests
{
    [Fact]
    public async Task While_a_stream_generates_a_prompt_gets_at_most_the_chunk_budget_per_step()
    {
        await using var h = new SchedulerHarness(slots: 2, batchCapacity: 64, prefillChunkTokens: 4);
        h.Decoder.Pause();
        var running = h.Start(SchedulerHarness.Request([10, 11], maxTokens: 12));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first sequence took a slot");
        int[] prompt = [.. Enumerable.Range(100, 10)];
        var late = h.Start(SchedulerHarness.Request(prompt, maxTokens: 2));
        h.Decoder.Resume();
        await running.CollectAsync();
        await late.CollectAsync();

        var prefill = h.Decoder.Batches.Where(b => b.Any(e => e.Token is >= 100 and < 110)).ToList();
        Assert.Equal([4, 4, 2], prefill.Select(b => b.Count(e => e.Token is >= 100 and < 110)));
        var slotRunning = h.Decoder.Batches.SelectMany(b => b).First(e => e.Token == 10).Slot;
        Assert.All(prefill, b => Assert.Contains(b, e => e.Slot == slotRunning && e.WantLogits));
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task A_lone_prompt_takes_the_whole_batch()
    {
        await using var h = new SchedulerHarness(slots: 2, batchCapacity: 64, prefillChunkTokens: 4);
        int[] prompt = [.. Enumerable.Range(100, 20)];
        await h.Start(SchedulerHarness.Request(prompt, maxTokens: 2)).CollectAsync();

        Assert.Equal(20, h.Decoder.Batches[0].Length);
    }

    [Fact]
    public async Task Waiting_prompts_are_prefilled_oldest_first_whatever_their_slots()
    {
        await using var h = new SchedulerHarness(slots: 3, batchCapacity: 64, prefillChunkTokens: 4);
        var running = h.Start(SchedulerHarness.Request([10, 11], maxTokens: 40)); // slot 0, keeps generating
        await h.Start(SchedulerHarness.Request([30, 31, 32], maxTokens: 1)).CollectAsync(); // leaves its tokens in slot 1
        h.Decoder.Pause();
        int[] older = [.. Enumerable.Range(100, 8)], newer = [.. Enumerable.Range(200, 8)];
        var a = h.Start(SchedulerHarness.Request(older, maxTokens: 1)); // the empty slot 2 is the cheaper one
        var b = h.Start(SchedulerHarness.Request(newer, maxTokens: 1)); // then slot 1, a lower index than a's
        h.Decoder.Resume();
        await a.CollectAsync();
        await b.CollectAsync();
        await running.CollectAsync();

        var entries = h.Decoder.Batches.SelectMany(batch => batch).ToList();
        var slotA = entries.First(e => e.Token == 100).Slot;
        var slotB = entries.First(e => e.Token == 200).Slot;
        Assert.True(slotB < slotA, $"the test needs the newer prompt in the lower slot (older {slotA}, newer {slotB})");
        var lastOfOlder = entries.FindLastIndex(e => e.Token is >= 100 and < 108);
        var firstOfNewer = entries.FindIndex(e => e.Token is >= 200 and < 208);
        Assert.True(lastOfOlder < firstOfNewer, "the newer prompt was prefilled before the older one had finished");
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task A_step_lists_its_tokens_in_slot_order_with_a_prompt_between_generating_slots()
    {
        // llama.cpp cuts a batch over per-slot KV streams into micro-batches of consecutive sequence
        // ids, one pass over the weights each: [0, 2, 1, 1, 1] takes three passes, [0, 1, 1, 1, 2] two.
        await using var h = new SchedulerHarness(slots: 3, batchCapacity: 64, prefillChunkTokens: 4);
        // The three requests below must reach the scheduler together: it is held in the decode of a
        // first request (which then leaves its tokens in slot 0) while they are submitted, so it
        // cannot start a step with only the first of them.
        h.Decoder.Pause();
        var opener = h.Start(SchedulerHarness.Request([30, 31, 32], maxTokens: 1));
        await SchedulerHarness.Eventually(() => h.Decoder.BatchCount > 0, "the scheduler is in its first decode");
        var first = h.Start(SchedulerHarness.Request([10, 11], maxTokens: 40)); // the empty slot 1
        var second = h.Start(SchedulerHarness.Request([20, 21], maxTokens: 40)); // the empty slot 2
        int[] prompt = [.. Enumerable.Range(100, 10)];
        var late = h.Start(SchedulerHarness.Request(prompt, maxTokens: 1)); // slot 0, below the two
        h.Decoder.Resume();
        await opener.CollectAsync();
        await late.CollectAsync();
        await first.CollectAsync();
        await second.CollectAsync();

        var mixed = h.Decoder.Batches.Where(b => b.Any(e => e.Token is >= 100 and < 110)).ToList();
        Assert.Equal([4, 4, 2], mixed.Select(b => b.Count(e => e.Token is >= 100 and < 110)));
        Assert.All(mixed, b =>
        {
            Assert.Equal([0, 1, 2], b.Select(e => e.Slot).Distinct());
            Assert.Equal(b.Select(e => e.Slot).Order(), b.Select(e => e.Slot));
        });
        Assert.Empty(h.Decoder.Violations);
    }
}
