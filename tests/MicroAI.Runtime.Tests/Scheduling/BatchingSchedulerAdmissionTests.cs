using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>What Submit refuses: prompts that do not fit, empty prompts, a full queue.</summary>
public sealed class BatchingSchedulerAdmissionTests
{
    [Fact]
    public async Task Prompt_as_long_as_the_slot_context_is_refused_without_queuing()
    {
        await using var h = new SchedulerHarness(slotContext: 8);

        var result = h.Submit(SchedulerHarness.Request([.. Enumerable.Range(10, 8)]));

        Assert.Null(result.Stream);
        Assert.NotNull(result.Error);
        Assert.Equal(GenerationErrorCode.ContextLengthExceeded, result.Error.Code);
        Assert.True(result.Error.IsClientError);
        Assert.Equal(RequestPart.Prompt, result.Error.Part);
        Assert.Contains("maximum context length is 8 tokens", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("prompt has 8 tokens", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Scheduler.Stats.QueuedRequests);
        Assert.Equal(0, h.Scheduler.Stats.ActiveSequences);
        Assert.Empty(h.Decoder.Calls);
    }

    [Fact]
    public async Task Prompt_one_shorter_than_the_context_is_accepted()
    {
        await using var h = new SchedulerHarness(slotContext: 8);

        var events = await h.Start(SchedulerHarness.Request([.. Enumerable.Range(10, 7)])).CollectAsync();

        Assert.Equal(new GenerationUsage(7, 1), events.Finished().Usage);
        Assert.Equal(FinishReason.Length, events[^1].FinishReason);
    }

    [Fact]
    public async Task Chat_prompt_too_long_names_the_messages_parameter()
    {
        await using var h = new SchedulerHarness(slotContext: 4);
        var request = new GenerateRequest { Messages = [.. Enumerable.Repeat(new ChatTurn("user", "hi"), 5)] };

        var result = h.Submit(request);

        Assert.Equal(GenerationErrorCode.ContextLengthExceeded, result.Error?.Code);
        Assert.Equal(RequestPart.Messages, result.Error?.Part);
    }

    [Fact]
    public async Task Empty_prompt_is_refused()
    {
        await using var h = new SchedulerHarness();

        var result = h.Submit(new GenerateRequest { Prompt = PromptInput.FromText(string.Empty) });

        Assert.Equal(GenerationErrorCode.InvalidPrompt, result.Error?.Code);
        Assert.Equal(RequestPart.Prompt, result.Error?.Part);
        Assert.Null(result.Stream);
    }

    [Fact]
    public async Task Model_prompt_errors_are_returned_as_they_are()
    {
        await using var h = new SchedulerHarness();
        var error = new GenerationError(GenerationErrorCode.InvalidPrompt, "bad template", RequestPart.Messages);
        h.Model.PrepareError = error;

        var result = h.Submit(SchedulerHarness.Request([5]));

        Assert.Same(error, result.Error);
        Assert.Empty(h.Decoder.Calls);
    }

    /// <summary>
    /// Bug: Submit compares the waiting count with MaxQueuedRequests + SlotCount, so with every slot
    /// busy SlotCount more requests than configured are allowed to wait.
    /// </summary>
    [Fact]
    public async Task Queue_full_with_one_slot_and_one_waiting_request_refuses_the_third()
    {
        await using var h = new SchedulerHarness(slots: 1, maxQueued: 1);
        h.Decoder.Pause();
        var running = h.Start(SchedulerHarness.Request([5], maxTokens: 2));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first request took the slot");

        var waiting = h.Start(SchedulerHarness.Request([6], maxTokens: 2));
        var third = h.Submit(SchedulerHarness.Request([7], maxTokens: 2));
        h.Decoder.Resume();

        Assert.Equal(GenerationErrorCode.QueueFull, third.Error?.Code);
        Assert.False(third.Error?.IsClientError);
        Assert.Contains("'fake'", third.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(FinishReason.Length, (await running.CollectAsync()).Finished().FinishReason);
        Assert.Equal(FinishReason.Length, (await waiting.CollectAsync()).Finished().FinishReason);
    }

    [Fact]
    public async Task Queue_full_counts_only_waiting_requests_when_every_slot_is_busy()
    {
        await using var h = new SchedulerHarness(slots: 2, slotContext: 1_000_000, maxQueued: 0);
        using var cts = new CancellationTokenSource();
        var a = h.Start(SchedulerHarness.Request([5]), cts.Token);
        var b = h.Start(SchedulerHarness.Request([6]), cts.Token);
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 2, "both requests took a slot");
        h.Decoder.Pause();

        var third = h.Submit(SchedulerHarness.Request([7], maxTokens: 1));
        await cts.CancelAsync();
        h.Decoder.Resume();

        Assert.Equal(GenerationErrorCode.QueueFull, third.Error?.Code);
        await a.CollectAsync();
        await b.CollectAsync();
    }

    [Fact]
    public async Task Queue_frees_up_once_requests_finish()
    {
        await using var h = new SchedulerHarness(slots: 1, maxQueued: 1);
        h.Decoder.Pause();
        var running = h.Start(SchedulerHarness.Request([5], maxTokens: 1));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first request took the slot");
        var waiting = h.Start(SchedulerHarness.Request([6], maxTokens: 1));
        Assert.Equal(1, h.Scheduler.Stats.QueuedRequests);
        h.Decoder.Resume();
        await running.CollectAsync();
        await waiting.CollectAsync();

        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.QueuedRequests == 0 && h.Scheduler.Stats.ActiveSequences == 0, "the scheduler is idle");
        var again = await h.Start(SchedulerHarness.Request([7], maxTokens: 1)).CollectAsync();
        Assert.Equal(FinishReason.Length, again.Finished().FinishReason);
    }
}
