using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;
using MicroAI.Runtime.Scheduling.Policies;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>A <see cref="BatchingScheduler"/> over a fake model and decoder, with helpers that never hang.</summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public SchedulerHarness(int slots = 1, int slotContext = 256, int batchCapacity = 64, int maxQueued = 64, long promptCacheBytes = 0,
        int prefillChunkTokens = 128, string policy = SchedulingPolicies.Default)
    {
        Decoder = new FakeBatchDecoder(slots, slotContext, batchCapacity);
        Scheduler = new BatchingScheduler(Model, Decoder,
            new SchedulerOptions { MaxQueuedRequests = maxQueued, PromptCacheBytes = promptCacheBytes, PrefillChunkTokens = prefillChunkTokens, Policy = policy }, NullLogger.Instance);
    }

    public FakeTextModel Model { get; } = new();
    public FakeBatchDecoder Decoder { get; }
    public BatchingScheduler Scheduler { get; }

    public static GenerateRequest Request(int[] prompt, uint seed = 0, int? maxTokens = null, params string[] stop) => new()
    {
        Prompt = PromptInput.FromTokens(prompt),
        Sampling = SamplingParameters.Default with { Seed = seed },
        MaxTokens = maxTokens,
        Stop = stop,
    };

    /// <summary>Prepares the prompt as the server does (<see cref="PromptPreparation"/>) and submits it.</summary>
    public SubmitResult Submit(GenerateRequest request, CancellationToken cancellationToken = default) =>
        PromptPreparation.Submit(Model, Scheduler, request, cancellationToken);

    /// <summary>Submits and asserts the request was accepted.</summary>
    public GenerationStream Start(GenerateRequest request, CancellationToken cancellationToken = default)
    {
        var result = Submit(request, cancellationToken);
        Assert.Null(result.Error);
        Assert.NotNull(result.Stream);
        return result.Stream;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after the timeout.</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail("Timed out waiting until " + what);
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Decoder.Resume();
        await Scheduler.DisposeAsync().AsTask().WaitAsync(Timeout);
    }
}

internal static class GenerationStreamExtensions
{
    /// <summary>Reads the whole stream (fails after the harness timeout instead of hanging).</summary>
    public static async Task<List<GenerationEvent>> CollectAsync(this GenerationStream stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? SchedulerHarness.Timeout);
        var events = new List<GenerationEvent>();
        try
        {
            await foreach (var e in stream.ReadAllAsync(cts.Token))
                events.Add(e);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Assert.Fail($"The stream did not complete within {timeout ?? SchedulerHarness.Timeout}; events so far: {string.Join(", ", events)}");
        }
        return events;
    }

    /// <summary>Waits for the next event.</summary>
    public static async Task<GenerationEvent> NextAsync(this GenerationStream stream)
    {
        using var cts = new CancellationTokenSource(SchedulerHarness.Timeout);
        return await stream.Events.ReadAsync(cts.Token);
    }

    public static string Text(this IEnumerable<GenerationEvent> events) =>
        string.Concat(events.Where(e => e.Kind == GenerationEventKind.Text).Select(e => e.Text));

    /// <summary>Asserts the stream ended with exactly one Finished event, last, and returns it.</summary>
    public static GenerationEvent Finished(this IReadOnlyList<GenerationEvent> events)
    {
        Assert.NotEmpty(events);
        var last = events[^1];
        Assert.True(last.Kind == GenerationEventKind.Finished, $"Expected Finished last, got {last}");
        Assert.All(events.Take(events.Count - 1), e => Assert.Equal(GenerationEventKind.Text, e.Kind));
        return last;
    }
}
