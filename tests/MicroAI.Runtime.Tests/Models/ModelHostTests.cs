using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Runtime.Tests.Scheduling;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroAI.Runtime.Tests.Models;

public sealed class ModelHostTests
{
    [Fact]
    public async Task Default_model_is_loaded_once_with_its_scheduler()
    {
        var engine = new FakeEngine();
        await using var host = CreateHost(engine, new EngineOptions { ParallelSlots = 3, BatchSize = 32 }, Entry("tiny"));

        var first = await host.GetTextModelAsync(null, CancellationToken.None);
        var second = await host.GetTextModelAsync("TINY", CancellationToken.None);

        Assert.Equal(ModelLookupError.None, first.Error);
        Assert.Same(first.Model, second.Model);
        Assert.Equal(1, engine.Loads);
        Assert.Equal("tiny", first.Model!.Entry.Id);
        Assert.Equal(3, first.Model.Scheduler.Stats.Slots);
        Assert.Equal(new DecoderOptions(3, 2048, 32, Environment.ProcessorCount), first.Model.Decoder);
        Assert.Single(host.Loaded);
    }

    [Fact]
    public async Task Concurrent_lookups_of_a_cold_model_load_it_once()
    {
        var engine = new FakeEngine { LoadDelay = TimeSpan.FromMilliseconds(50) };
        await using var host = CreateHost(engine, new EngineOptions(), Entry("tiny"));

        var lookups = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.GetTextModelAsync("tiny", CancellationToken.None).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, engine.Loads);
        Assert.All(lookups, l => Assert.Same(lookups[0].Model, l.Model));
    }

    [Theory]
    [InlineData(0, 2048, 2048)]
    [InlineData(0, 32768, 4096)]
    [InlineData(0, 0, 4096)]
    [InlineData(1000, 32768, 1000)]
    public async Task Context_defaults_to_the_training_context_capped_at_4096(int configured, int trainingContext, int expected)
    {
        var engine = new FakeEngine { TrainingContext = trainingContext };
        await using var host = CreateHost(engine, new EngineOptions { ContextSize = configured }, Entry("m"));

        var lookup = await host.GetTextModelAsync("m", CancellationToken.None);

        Assert.Equal(expected, lookup.Model!.Decoder.ContextPerSlot);
    }

    [Fact]
    public async Task Per_model_settings_override_the_server_defaults()
    {
        var engine = new FakeEngine();
        var settings = new ModelSettings { ContextSize = 128, ParallelSlots = 1, GpuLayers = 7, ChatTemplate = "chatml" };
        await using var host = CreateHost(engine, new EngineOptions { ContextSize = 512, ParallelSlots = 4, GpuLayers = -1 }, Entry("m", settings));

        var lookup = await host.GetTextModelAsync("m", CancellationToken.None);

        Assert.Equal(7, engine.LastSettings!.GpuLayers);
        Assert.Equal("chatml", engine.LastSettings.ChatTemplate);
        Assert.Equal("auto", engine.LastSettings.Device);
        Assert.True(engine.LastSettings.EstimatedBytes > 0);
        Assert.Equal(128, lookup.Model!.Decoder.ContextPerSlot);
        Assert.Equal(1, lookup.Model.Decoder.Slots);
    }

    [Fact]
    public async Task Unknown_or_missing_models_are_not_found()
    {
        await using var host = CreateHost(new FakeEngine(), new EngineOptions(), defaultId: null, Entry("m"));

        var none = await host.GetTextModelAsync(null, CancellationToken.None);
        var unknown = await host.GetTextModelAsync("nope", CancellationToken.None);

        Assert.Equal(ModelLookupError.NotFound, none.Error);
        Assert.Equal(ModelLookupError.NotFound, unknown.Error);
        Assert.Contains("'nope'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_no_engine_serves_is_not_a_text_model()
    {
        await using var host = CreateHost(new FakeEngine(), new EngineOptions(), Entry("classifier", format: ModelFormat.Onnx));

        var lookup = await host.GetTextModelAsync("classifier", CancellationToken.None);

        Assert.Equal(ModelLookupError.NotATextModel, lookup.Error);
    }

    [Fact]
    public async Task Load_failure_is_reported_and_retried_on_the_next_lookup()
    {
        var engine = new FakeEngine { Failure = new ModelLoadException("not a GGUF file") };
        await using var host = CreateHost(engine, new EngineOptions(), Entry("m"));

        var failed = await host.GetTextModelAsync("m", CancellationToken.None);
        engine.Failure = null;
        var retried = await host.GetTextModelAsync("m", CancellationToken.None);

        Assert.Equal(ModelLookupError.LoadFailed, failed.Error);
        Assert.Equal("not a GGUF file", failed.Message);
        Assert.Equal(ModelLookupError.None, retried.Error);
    }

    [Fact]
    public async Task Context_creation_failure_disposes_the_model()
    {
        var engine = new FakeEngine { DecoderFailure = new ModelLoadException("not enough memory") };
        await using var host = CreateHost(engine, new EngineOptions(), Entry("m"));

        var lookup = await host.GetTextModelAsync("m", CancellationToken.None);

        Assert.Equal(ModelLookupError.LoadFailed, lookup.Error);
        Assert.True(engine.LastModel!.Disposed);
    }

    [Fact]
    public async Task Dispose_stops_schedulers_and_frees_models()
    {
        var engine = new FakeEngine();
        var host = CreateHost(engine, new EngineOptions(), Entry("m"));
        var lookup = await host.GetTextModelAsync("m", CancellationToken.None);

        await host.DisposeAsync();

        Assert.True(engine.LastModel!.Disposed);
        Assert.Equal(GenerationErrorCode.ShuttingDown, lookup.Model!.Submit(SchedulerHarness.Request([5]), CancellationToken.None).Error?.Code);
    }

    private static ModelHost CreateHost(FakeEngine engine, EngineOptions options, params ModelEntry[] entries) =>
        CreateHost(engine, options, entries[0].Id, entries);

    private static ModelHost CreateHost(FakeEngine engine, EngineOptions options, string? defaultId, params ModelEntry[] entries) =>
        new(new FakeCatalog(entries, defaultId), [engine], Options.Create(options), NullLoggerFactory.Instance);

    internal static ModelHost CreateHost(EngineOptions options, TimeProvider time, string? defaultId, params ModelEntry[] entries) =>
        new(new FakeCatalog(entries, defaultId), [new FakeEngine()], Options.Create(options), NullLoggerFactory.Instance, time);

    internal static ModelEntry Entry(string id, ModelSettings? settings = null, ModelFormat format = ModelFormat.Gguf) =>
        new(id, $"/models/{id}.gguf", format, 1234, DateTimeOffset.UnixEpoch, "test", settings ?? new ModelSettings());

    internal sealed class FakeCatalog(IReadOnlyList<ModelEntry> entries, string? defaultId) : IModelCatalog
    {
        public string? DefaultModelId => defaultId;
        public IReadOnlyList<string> Warnings => [];
        public IReadOnlyList<ModelEntry> List() => entries;
        public ModelEntry? Find(string id) => entries.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase));
        public MicroAI.ModelRegistry.Store.ModelStore Store { get; } = new(Path.Combine(Path.GetTempPath(), "microai-fake-registry-unused"));
    }

    private sealed class FakeEngine : IModelEngine
    {
        private int _loads;

        public string Name => "fake";
        public bool CanServe(ModelEntry entry, ModelCapability capability) => entry.Format == ModelFormat.Gguf;
        public int Loads => Volatile.Read(ref _loads);
        public int TrainingContext { get; init; } = 2048;
        public TimeSpan LoadDelay { get; init; }
        public ModelLoadException? Failure { get; set; }
        public ModelLoadException? DecoderFailure { get; init; }
        public ModelLoadSettings? LastSettings { get; private set; }
        public FakeTextModel? LastModel { get; private set; }

        public ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings)
        {
            Interlocked.Increment(ref _loads);
            LastSettings = settings;
            if (LoadDelay > TimeSpan.Zero)
                Thread.Sleep(LoadDelay);
            if (Failure is not null)
                throw Failure;
            var failure = DecoderFailure;
            LastModel = new FakeTextModel(entry.Id, TrainingContext)
            {
                DecoderFactory = failure is null ? null : _ => throw failure,
            };
            return LastModel;
        }
    }
}
