using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>Cancelling a request's token frees its slot at the next step.</summary>
public sealed class BatchingSchedulerCancellationTests
{
    [Fact]
    public async Task Cancelling_mid_generation_releases_the_slot()
    {
        await using var h = new SchedulerHarness(slots: 1, slotContext: 1_000_000);
        using var cts = new CancellationTokenSource();
        var stream = h.Start(SchedulerHarness.Request([5, 6]), cts.Token);
        Assert.Equal(GenerationEventKind.Text, (await stream.NextAsync()).Kind);
        Assert.Equal(1, h.Scheduler.Stats.ActiveSequences);

        await cts.CancelAsync();
        var rest = await stream.CollectAsync();

        Assert.All(rest, e => Assert.Equal(GenerationEventKind.Text, e.Kind));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 0, "the cancelled sequence left its slot");
        Assert.Equal(0, h.Scheduler.Stats.CompletedRequests);
        Assert.Equal(1, h.Decoder.SamplersDisposed);
    }

    [Fact]
    public async Task A_cancelled_stream_still_counts_the_tokens_it_generated()
    {
        await using var h = new SchedulerHarness(slots: 1, slotContext: 1_000_000);
        using var cts = new CancellationTokenSource();
        var stream = h.Start(SchedulerHarness.Request([5, 6]), cts.Token);
        var first = await stream.NextAsync();

        await cts.CancelAsync();
        var rest = await stream.CollectAsync();
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 0, "the cancelled sequence left its slot");

        // No Finished event carries usage for a cancelled request: the stream's own count is what it cost.
        Assert.DoesNotContain(rest, e => e.Kind == GenerationEventKind.Finished);
        Assert.Equal(first.Text!.Length + rest.Text().Length, stream.GeneratedTokens);
    }

    [Fact]
    public async Task A_queued_request_gets_the_slot_of_a_cancelled_one()
    {
        await using var h = new SchedulerHarness(slots: 1, slotContext: 1_000_000);
        using var cts = new CancellationTokenSource();
        var first = h.Start(SchedulerHarness.Request([5, 6]), cts.Token);
        Assert.Equal(GenerationEventKind.Text, (await first.NextAsync()).Kind);

        h.Decoder.Pause();
        var second = h.Start(SchedulerHarness.Request([7], maxTokens: 3));
        Assert.Equal(1, h.Scheduler.Stats.QueuedRequests);
        await cts.CancelAsync();
        h.Decoder.Resume();

        await first.CollectAsync();
        var events = await second.CollectAsync();
        Assert.Equal("xxx", events.Text());
        Assert.Equal(FinishReason.Length, events.Finished().FinishReason);
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats is { ActiveSequences: 0, QueuedRequests: 0 }, "the scheduler is idle");
        Assert.Equal(2, h.Decoder.ClearedSlots.Count);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_never_takes_a_slot()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.Pause();
        var running = h.Start(SchedulerHarness.Request([5], maxTokens: 2));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first request took the slot");
        using var cts = new CancellationTokenSource();
        var queued = h.Start(SchedulerHarness.Request([99], maxTokens: 2), cts.Token);

        await cts.CancelAsync();
        h.Decoder.Resume();

        Assert.Equal("xx", (await running.CollectAsync()).Text());
        Assert.Empty(await queued.CollectAsync());
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats is { ActiveSequences: 0, QueuedRequests: 0 }, "the scheduler is idle");
        Assert.DoesNotContain(h.Decoder.Batches.SelectMany(b => b), e => e.Token == 99);
        Assert.Single(h.Decoder.ClearedSlots);
    }

    [Fact]
    public async Task A_request_submitted_with_a_cancelled_token_completes_without_events()
    {
        await using var h = new SchedulerHarness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var stream = h.Start(SchedulerHarness.Request([5], maxTokens: 2), cts.Token);

        Assert.Empty(await stream.CollectAsync());
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats is { ActiveSequences: 0, QueuedRequests: 0 }, "the scheduler is idle");
        Assert.DoesNotContain(h.Decoder.Batches.SelectMany(b => b), e => e.Token == 5);
    }

    /// <summary>
    /// Passes today only because the queue limit is too loose (see the QueueFull tests); once the
    /// limit counts running sequences, a cancelled waiter must give its place back at once rather
    /// than when a slot frees up.
    /// </summary>
    [Fact]
    public async Task A_request_cancelled_while_queued_gives_its_queue_place_back()
    {
        await using var h = new SchedulerHarness(slots: 1, slotContext: 1_000_000, maxQueued: 1);
        using var runningCts = new CancellationTokenSource();
        var running = h.Start(SchedulerHarness.Request([5]), runningCts.Token);
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first request took the slot");
        using var abandonedCts = new CancellationTokenSource();
        var abandoned = h.Start(SchedulerHarness.Request([6], maxTokens: 1), abandonedCts.Token);

        await abandonedCts.CancelAsync();
        var next = h.Submit(SchedulerHarness.Request([7], maxTokens: 1));

        Assert.Null(next.Error);
        await runningCts.CancelAsync();
        Assert.Empty(await abandoned.CollectAsync());
        Assert.Equal("x", (await next.Stream!.CollectAsync()).Text());
        await running.CollectAsync();
    }
}
