using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>GenerateRequest.TimeLimit: generating past it ends like max_tokens; queued past it fails.</summary>
public sealed class BatchingSchedulerTimeLimitTests
{
    [Fact]
    public async Task A_generation_past_its_time_limit_finishes_with_length()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.DecodeHook = _ =>
        {
            Thread.Sleep(5); // 1,000 tokens would take 5 s
            return null;
        };

        var request = SchedulerHarness.Request([5, 6, 7], maxTokens: 1000) with { TimeLimit = TimeSpan.FromMilliseconds(200) };
        var events = await h.Start(request).CollectAsync();

        var finished = events.Finished();
        Assert.Equal(FinishReason.Length, finished.FinishReason);
        Assert.InRange(finished.Usage.CompletionTokens, 1, 999);
        Assert.Equal(0, h.Scheduler.Stats.ActiveSequences);
    }

    [Fact]
    public async Task A_request_still_queued_at_its_time_limit_fails_with_queue_timeout()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.DecodeHook = _ =>
        {
            Thread.Sleep(10);
            return null;
        };
        var busy = h.Start(SchedulerHarness.Request([5, 6, 7], maxTokens: 30)); // ~300 ms

        var late = h.Start(SchedulerHarness.Request([8, 9], maxTokens: 5) with { TimeLimit = TimeSpan.FromMilliseconds(50) });
        var events = await late.CollectAsync();

        var failed = Assert.Single(events);
        Assert.Equal(GenerationEventKind.Failed, failed.Kind);
        Assert.Equal(GenerationErrorCode.QueueTimeout, failed.Error!.Code);
        Assert.Equal(FinishReason.Length, (await busy.CollectAsync()).Finished().FinishReason);
        Assert.Equal(0, h.Scheduler.Stats.QueuedRequests);
    }
}
