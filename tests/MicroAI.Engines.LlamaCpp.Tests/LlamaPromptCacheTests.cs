using MicroAI.Tests.Shared;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>Slot caches saved to host RAM and restored with llama_state_seq_get_data / set_data.</summary>
public sealed class LlamaPromptCacheTests : IDisposable
{
    private readonly LlamaModel _model = LlamaTestRuntime.LoadStories();

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task A_restored_conversation_continues_exactly_as_a_cold_one()
    {
        const string Story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
            "One day, she saw a big, red ball. She ran to it and kicked it very hard.";
        await using var scheduler = SchedulerFactory.Create(_model, slots: 1);

        var cold = await LlamaGenerationTests.GenerateAsync(scheduler, LlamaGenerationTests.Greedy(Story, maxTokens: 30));
        await LlamaGenerationTests.GenerateAsync(scheduler, LlamaGenerationTests.Greedy("The little dog was sad because he lost his bone in the big green garden behind the old house.", maxTokens: 5));
        var warm = await LlamaGenerationTests.GenerateAsync(scheduler, LlamaGenerationTests.Greedy(Story, maxTokens: 30));

        Assert.Equal(cold.Text, warm.Text);
        Assert.True(warm.Finished.Usage.CachedPromptTokens >= 32, $"cached {warm.Finished.Usage.CachedPromptTokens}");
        Assert.Equal(1, scheduler.Stats.PromptCacheRestores);
        Assert.NotEqual(TestPaths.OnceUponATimeGreedy, warm.Text); // a different prompt than the recorded one
    }
}
