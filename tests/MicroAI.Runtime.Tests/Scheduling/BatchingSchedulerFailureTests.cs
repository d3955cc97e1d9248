using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>Decode errors, engine exceptions and shutdown.</summary>
public sealed class BatchingSchedulerFailureTests
{
    [Fact]
    public async Task Decode_error_fails_the_sequence_and_the_loop_serves_the_next_request()
    {
        await using var h = new SchedulerHarness(slots: 1);
        var error = new GenerationError(GenerationErrorCode.EngineFailure, "llama_decode found no room in the KV cache for this batch.");
        h.Decoder.DecodeHook = _ => error;

        var failed = await h.Start(SchedulerHarness.Request([5, 6], maxTokens: 3)).CollectAsync();

        Assert.Equal([GenerationEvent.Fail(error)], failed);
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 0, "the failed sequence left its slot");
        h.Decoder.DecodeHook = null;
        var next = await h.Start(SchedulerHarness.Request([7], maxTokens: 3)).CollectAsync();
        Assert.Equal("xxx", next.Text());
        Assert.Equal(FinishReason.Length, next.Finished().FinishReason);
        Assert.Equal(h.Decoder.SamplersCreated, h.Decoder.SamplersDisposed);
    }

    [Fact]
    public async Task Decode_error_mid_generation_fails_every_sequence_in_the_batch()
    {
        await using var h = new SchedulerHarness(slots: 2, slotContext: 1_000_000);
        var error = new GenerationError(GenerationErrorCode.EngineFailure, "llama_decode failed with code -3.");
        h.Decoder.DecodeHook = batch => batch.Length == 2 && batch.All(e => e.Position >= 4) ? error : null;
        h.Decoder.Pause();
        var a = h.Start(SchedulerHarness.Request([5, 6]));
        var b = h.Start(SchedulerHarness.Request([7, 8]));
        h.Decoder.Resume();

        var eventsA = await a.CollectAsync();
        var eventsB = await b.CollectAsync();

        Assert.Equal(GenerationEvent.Fail(error), eventsA[^1]);
        Assert.Equal(GenerationEvent.Fail(error), eventsB[^1]);
        Assert.NotEmpty(eventsA.Text());
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 0, "both slots were released");
    }

    [Fact]
    public async Task Engine_exception_fails_the_sequence_and_the_loop_keeps_working()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.DecodeHook = _ => throw new InvalidOperationException("boom");

        var failed = await h.Start(SchedulerHarness.Request([5], maxTokens: 3)).CollectAsync();

        var only = Assert.Single(failed);
        Assert.Equal(GenerationEventKind.Failed, only.Kind);
        Assert.Equal(GenerationErrorCode.EngineFailure, only.Error?.Code);
        Assert.Contains("boom", only.Error?.Message, StringComparison.Ordinal);
        h.Decoder.DecodeHook = null;
        var next = await h.Start(SchedulerHarness.Request([7], maxTokens: 2)).CollectAsync();
        Assert.Equal(FinishReason.Length, next.Finished().FinishReason);
    }

    [Fact]
    public async Task Failure_while_admitting_a_request_fails_that_request_instead_of_losing_it()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.CreateSamplerFailure = new InvalidOperationException("llama_sampler_chain_init failed");

        // Bug: Admit() dequeues the request, then CreateSampler throws before the request is in a
        // slot, so the loop's catch never fails it and its stream never completes.
        var events = await h.Start(SchedulerHarness.Request([5], maxTokens: 2)).CollectAsync(TimeSpan.FromSeconds(3));

        var failed = Assert.Single(events);
        Assert.Equal(GenerationErrorCode.EngineFailure, failed.Error?.Code);
        var next = await h.Start(SchedulerHarness.Request([6], maxTokens: 2)).CollectAsync();
        Assert.Equal(FinishReason.Length, next.Finished().FinishReason);
    }

    [Fact]
    public async Task Dispose_fails_running_and_queued_requests_and_refuses_new_ones()
    {
        var h = new SchedulerHarness(slots: 1, slotContext: 1_000_000);
        await using (h)
        {
            var running = h.Start(SchedulerHarness.Request([5]));
            Assert.Equal(GenerationEventKind.Text, (await running.NextAsync()).Kind);
            h.Decoder.Pause();
            var queued = h.Start(SchedulerHarness.Request([6]));

            var disposing = h.DisposeAsync().AsTask();
            var runningEvents = await running.CollectAsync();
            var queuedEvents = await queued.CollectAsync();
            await disposing.WaitAsync(SchedulerHarness.Timeout);

            Assert.Equal(GenerationErrorCode.ShuttingDown, runningEvents[^1].Error?.Code);
            Assert.Equal([GenerationEventKind.Failed], queuedEvents.Select(e => e.Kind));
            Assert.Equal(GenerationErrorCode.ShuttingDown, queuedEvents[0].Error?.Code);
            Assert.True(h.Decoder.Disposed);
            Assert.Equal(GenerationErrorCode.ShuttingDown, h.Submit(SchedulerHarness.Request([7])).Error?.Code);
            Assert.Equal(0, h.Scheduler.Stats.QueuedRequests);
        }
    }
}
