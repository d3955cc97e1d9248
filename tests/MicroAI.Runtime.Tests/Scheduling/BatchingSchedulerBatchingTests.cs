using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>Several sequences: continuous batching, chunked prefill, positions and slot hygiene.</summary>
public sealed class BatchingSchedulerBatchingTests
{
    [Fact]
    public async Task Two_sequences_are_decoded_in_the_same_batch()
    {
        await using var h = new SchedulerHarness(slots: 2);
        h.Decoder.Script(1, [.. "abcdef".Select(c => h.Decoder.Word(c.ToString()))]);
        h.Decoder.Script(2, [.. "UVWXYZ".Select(c => h.Decoder.Word(c.ToString()))]);
        h.Decoder.Pause();

        var a = h.Start(SchedulerHarness.Request([10, 11], seed: 1, maxTokens: 6));
        var b = h.Start(SchedulerHarness.Request([20, 21, 22], seed: 2, maxTokens: 6));
        h.Decoder.Resume();
        var eventsA = await a.CollectAsync();
        var eventsB = await b.CollectAsync();

        // Each sequence samples only its own rows, so neither output leaks into the other.
        Assert.Equal("abcdef", eventsA.Text());
        Assert.Equal("UVWXYZ", eventsB.Text());
        var batches = h.Decoder.Batches;
        var slotA = SlotOf(batches, 10);
        var slotB = SlotOf(batches, 20);
        Assert.NotEqual(slotA, slotB);
        var shared = batches.Where(batch => batch.Any(e => e.Slot == slotA) && batch.Any(e => e.Slot == slotB)).ToList();
        Assert.True(shared.Count >= 4, $"expected most batches to hold both sequences; {shared.Count} of {batches.Count} did");
        // Fewer decode calls than running them one after the other (1 prefill + 5 tokens each).
        Assert.True(batches.Count < 12, $"{batches.Count} decode calls");
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task Long_prompt_is_prefilled_in_chunks_while_a_running_sequence_keeps_generating()
    {
        await using var h = new SchedulerHarness(slots: 2, batchCapacity: 4);
        h.Decoder.Pause();
        var running = h.Start(SchedulerHarness.Request([10, 11], maxTokens: 8));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first sequence took a slot");
        int[] longPrompt = [.. Enumerable.Range(100, 10)];
        var late = h.Start(SchedulerHarness.Request(longPrompt, maxTokens: 2));
        h.Decoder.Resume();

        var runningEvents = await running.CollectAsync();
        var lateEvents = await late.CollectAsync();

        Assert.Equal("xxxxxxxx", runningEvents.Text());
        Assert.Equal("xx", lateEvents.Text());
        var batches = h.Decoder.Batches;
        Assert.All(batches, batch => Assert.True(batch.Length <= 4, $"a batch of {batch.Length} > capacity 4"));
        var slotRunning = SlotOf(batches, 10);
        var prefillBatches = batches.Where(batch => batch.Any(e => e.Token >= 100 && e.Token < 110)).ToList();
        Assert.True(prefillBatches.Count >= 3, $"the 10-token prompt went through {prefillBatches.Count} decode calls");
        Assert.All(prefillBatches, batch => Assert.Contains(batch, e => e.Slot == slotRunning && e.WantLogits));
        // The prompt chunks keep their order and ask for logits only at the prompt's last token.
        var promptEntries = prefillBatches.SelectMany(batch => batch).Where(e => e.Token >= 100 && e.Token < 110).ToList();
        Assert.Equal(longPrompt, promptEntries.Select(e => e.Token));
        Assert.Equal(Enumerable.Range(0, 10), promptEntries.Select(e => e.Position));
        Assert.Equal([.. Enumerable.Repeat(false, 9), true], promptEntries.Select(e => e.WantLogits));
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task Positions_are_consecutive_per_slot_and_each_admission_clears_the_slot()
    {
        await using var h = new SchedulerHarness(slots: 2, batchCapacity: 5);
        h.Decoder.Pause();
        var streams = new[] { 3, 7, 1, 12, 4, 2 }
            .Select((length, i) => h.Start(SchedulerHarness.Request([.. Enumerable.Range(200 + 20 * i, length)], maxTokens: 2 + i)))
            .ToList();
        h.Decoder.Resume();
        foreach (var stream in streams)
            Assert.Equal(FinishReason.Length, (await stream.CollectAsync()).Finished().FinishReason);

        var next = new Dictionary<int, int>();
        foreach (var call in h.Decoder.Calls)
        {
            if (call.ClearedSlot is { } slot)
            {
                next[slot] = 0;
                continue;
            }
            foreach (var entry in call.Batch!)
            {
                Assert.True(next.TryGetValue(entry.Slot, out var expected), $"slot {entry.Slot} was decoded into before ClearSlot");
                Assert.Equal(expected, entry.Position);
                next[entry.Slot] = expected + 1;
            }
        }
        Assert.Equal(streams.Count, h.Decoder.ClearedSlots.Count);
        Assert.Equal(streams.Count, h.Decoder.SamplersCreated);
        Assert.Equal(streams.Count, h.Decoder.SamplersDisposed);
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task A_freed_slot_is_reused_for_the_next_request_after_clearing_it()
    {
        await using var h = new SchedulerHarness(slots: 1);

        await h.Start(SchedulerHarness.Request([5, 6], maxTokens: 2)).CollectAsync();
        await h.Start(SchedulerHarness.Request([7], maxTokens: 2)).CollectAsync();

        var calls = h.Decoder.Calls;
        Assert.Equal(0, calls[0].ClearedSlot);
        var second = calls.ToList().FindLastIndex(c => c.ClearedSlot is not null);
        Assert.True(second > 0);
        Assert.Equal(new BatchEntry(7, 0, 0, true), calls[second + 1].Batch![0]);
    }

    private static int SlotOf(IEnumerable<BatchEntry[]> batches, int promptToken) =>
        batches.SelectMany(b => b).First(e => e.Token == promptToken).Slot;
}
