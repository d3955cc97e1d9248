using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Runtime.Tests.Scheduling;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroAI.Runtime.Tests.Models;

/// <summary>The host asks the engines which can serve a model, and counts what the chosen engine estimates.</summary>
public sealed class ModelHostEngineChoiceTests
{
    private static ModelHost Host(EngineOptions options, IModelEngine[] engines, params ModelEntry[] entries) =>
        new(new ModelHostTests.FakeCatalog(entries, null), engines, Options.Create(options), NullLoggerFactory.Instance);

    [Fact]
    public async Task The_first_engine_that_can_serve_the_model_loads_it_not_the_first_of_its_format()
    {
        var embedOnly = new ChoosyEngine("embed-only", ModelCapability.Embeddings);
        var generator = new ChoosyEngine("generator", ModelCapability.Completion);
        await using var host = Host(new EngineOptions(), [embedOnly, generator], ModelHostTests.Entry("m"));

        var lookup = await host.GetTextModelAsync("m", CancellationToken.None);

        Assert.Equal(ModelLookupError.None, lookup.Error);
        Assert.Equal(0, embedOnly.Loads);
        Assert.Equal(1, generator.Loads);
    }

    [Fact]
    public async Task A_model_no_engine_serves_is_refused_naming_what_was_asked()
    {
        await using var host = Host(new EngineOptions(), [new ChoosyEngine("embed-only", ModelCapability.Embeddings)], ModelHostTests.Entry("m"));

        var lookup = await host.GetTextModelAsync("m", CancellationToken.None);

        Assert.Equal(ModelLookupError.NotATextModel, lookup.Error);
        Assert.Contains("no installed engine serves completion with gguf models", lookup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_memory_budget_counts_the_chosen_engines_estimate()
    {
        var engine = new ChoosyEngine("big", ModelCapability.Completion) { Estimate = 100L << 20 };
        await using var host = Host(new EngineOptions { MemoryBudgetMiB = 150, KeepAlive = "-1" }, [engine], ModelHostTests.Entry("a"), ModelHostTests.Entry("b"));
        var a = await host.GetTextModelAsync("a", CancellationToken.None);

        var b = await host.GetTextModelAsync("b", CancellationToken.None);

        Assert.Equal(ModelLookupError.NoCapacity, b.Error);
        Assert.Contains("needs about 100 MiB", b.Message, StringComparison.Ordinal);
        Assert.Equal(100L << 20, a.Model!.EstimatedBytes);
        a.Lease.Dispose();
    }

    private sealed class ChoosyEngine(string name, ModelCapability serves) : IModelEngine
    {
        private int _loads;
        public string Name => name;
        public int Loads => Volatile.Read(ref _loads);
        public long Estimate { get; init; } = 1 << 20;

        public bool CanServe(ModelEntry entry, ModelCapability capability) => capability == serves;
        public long EstimateMemory(ModelEntry entry, int contextTokens) => Estimate;

        public ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings)
        {
            Interlocked.Increment(ref _loads);
            return new FakeTextModel(entry.Id);
        }
    }
}
