using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>Engine-level generation: the real decoder and sampler driven by the batching scheduler.</summary>
public sealed class LlamaGenerationTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly LlamaModel _model = LlamaTestRuntime.LoadStories();

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task Greedy_generation_reproduces_the_recorded_continuation()
    {
        await using var scheduler = CreateScheduler(slots: 1);

        var (text, finished) = await GenerateAsync(scheduler, Greedy("Once upon a time"));

        Assert.Equal(TestPaths.OnceUponATimeGreedy, text);
        Assert.Equal(FinishReason.Length, finished.FinishReason);
        Assert.Equal(new GenerationUsage(5, 40), finished.Usage);
    }

    [Fact]
    public async Task Concurrent_greedy_sequences_do_not_affect_each_other()
    {
        await using var scheduler = CreateScheduler(slots: 3, batchSize: 16);

        var results = await Task.WhenAll(
            GenerateAsync(scheduler, Greedy("Once upon a time")),
            GenerateAsync(scheduler, Greedy("The little dog")),
            GenerateAsync(scheduler, Greedy("Once upon a time")));

        Assert.Equal(TestPaths.OnceUponATimeGreedy, results[0].Text);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, results[2].Text);
        Assert.NotEqual(results[0].Text, results[1].Text);
        await using var alone = CreateScheduler(slots: 1);
        Assert.Equal((await GenerateAsync(alone, Greedy("The little dog"))).Text, results[1].Text);
    }

    [Fact]
    public async Task Greedy_output_is_the_same_alone_and_among_eight_concurrent_sequences()
    {
        string[] prompts = ["Once upon a time", "The little dog", "Lily and Tom", "One day, a bird", "The sun was", "A big red ball", "Mom said", "The cat"];
        var alone = new List<string>();
        await using (var single = CreateScheduler(slots: 1))
        {
            foreach (var p in prompts)
                alone.Add((await GenerateAsync(single, Greedy(p, maxTokens: 30))).Text);
        }

        await using var eight = CreateScheduler(slots: 8, batchSize: 64);
        var together = await Task.WhenAll(prompts.Select(p => GenerateAsync(eight, Greedy(p, maxTokens: 30))));

        Assert.Equal(alone, together.Select(t => t.Text));
    }

    [Fact]
    public async Task Stop_string_ends_real_generation()
    {
        await using var scheduler = CreateScheduler(slots: 1);
        var request = Greedy("Once upon a time");
        request = new GenerateRequest { Prompt = request.Prompt, Sampling = request.Sampling, MaxTokens = 40, Stop = ["Lily"] };

        var (text, finished) = await GenerateAsync(scheduler, request);

        Assert.Equal(", there was a little girl named ", text);
        Assert.Equal(FinishReason.Stop, finished.FinishReason);
    }

    private ModelScheduler CreateScheduler(int slots, int batchSize = 64) => SchedulerFactory.Create(_model, slots, batchSize);

    internal static GenerateRequest Greedy(string prompt, int maxTokens = 40) => new()
    {
        Prompt = PromptInput.FromText(prompt),
        Sampling = SamplingParameters.Default with { Temperature = 0 },
        MaxTokens = maxTokens,
    };

    internal static async Task<(string Text, GenerationEvent Finished)> GenerateAsync(ModelScheduler scheduler, GenerateRequest request)
    {
        var result = scheduler.Submit(request, CancellationToken.None);
        Assert.Null(result.Error);
        using var cts = new CancellationTokenSource(s_timeout);
        var text = new System.Text.StringBuilder();
        GenerationEvent? last = null;
        await foreach (var e in result.Stream!.ReadAllAsync(cts.Token))
        {
            if (e.Kind == GenerationEventKind.Text)
                text.Append(e.Text);
            last = e;
        }
        Assert.NotNull(last);
        Assert.Equal(GenerationEventKind.Finished, last.Value.Kind);
        return (text.ToString(), last.Value);
    }
}
