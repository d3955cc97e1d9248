using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Runtime.Tests.Scheduling;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroAI.Runtime.Tests.Models;

/// <summary>Whole-request models (classifiers, embedders) share residency, leases and keep-alive with text models.</summary>
public sealed class ModelHostInferenceTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeOnnxEngine _onnx = new();
    private readonly FakeGgufEngine _gguf = new();

    private ModelHost Host(EngineOptions? options = null, params ModelEntry[] entries) =>
        new(new ModelHostTests.FakeCatalog(entries, null), [_onnx, _gguf], Options.Create(options ?? new EngineOptions()), NullLoggerFactory.Instance, _time);

    private static ModelEntry Onnx(string id, params string[] capabilities) =>
        new(id, $"/models/{id}/model.onnx", ModelFormat.Onnx, 1000, DateTimeOffset.UnixEpoch, "test", new ModelSettings())
        {
            Manifest = new ModelManifest
            {
                Name = id, Tag = "latest", Format = "onnx", Files = [], Capabilities = capabilities,
                Source = new ManifestSource { Kind = "test" },
            },
        };

    private static ModelEntry Gguf(string id) =>
        new(id, $"/models/{id}.gguf", ModelFormat.Gguf, 1000, DateTimeOffset.UnixEpoch, "test", new ModelSettings())
        {
            Manifest = new ModelManifest
            {
                Name = id, Tag = "latest", Format = "gguf", Files = [], Capabilities = ["completion", "embeddings"],
                Source = new ManifestSource { Kind = "test" },
            },
        };

    [Fact]
    public async Task A_classifier_loads_once_and_is_shared_by_concurrent_requests()
    {
        await using var host = Host(entries: Onnx("magika", "classification"));

        var lookups = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.GetInferenceModelAsync("magika", ModelCapability.Classification, null, CancellationToken.None).AsTask()));

        Assert.Equal(1, _onnx.Loads);
        Assert.All(lookups, l => Assert.Same(lookups[0].Model, l.Model));
        Assert.Equal("classification", lookups[0].Model!.Capability);
        Assert.IsType<FakeClassifier>(lookups[0].Model!.Model);
        Assert.Equal(6, lookups[0].Model!.ActiveLeases);
        foreach (var l in lookups)
            l.Lease.Dispose();
        Assert.Equal(0, lookups[0].Model!.ActiveLeases);
    }

    [Fact]
    public async Task Asking_a_model_for_what_it_cannot_do_names_what_it_can()
    {
        await using var host = Host(entries: Onnx("magika", "classification"));

        var text = await host.GetTextModelAsync("magika", CancellationToken.None);
        var embed = await host.GetInferenceModelAsync("magika", ModelCapability.Embeddings, null, CancellationToken.None);

        Assert.Equal(ModelLookupError.NotATextModel, text.Error);
        Assert.Contains("does not generate text", text.Message);
        Assert.Contains("classification", text.Message);
        Assert.Equal(ModelLookupError.NotATextModel, embed.Error);
        Assert.Contains("does not support embeddings", embed.Message);
        Assert.Equal(0, _onnx.Loads);
    }

    [Fact]
    public async Task An_idle_classifier_is_unloaded_after_its_keep_alive_and_disposed()
    {
        await using var host = Host(new EngineOptions { KeepAlive = "1m" }, Onnx("c", "classification"));
        var lookup = await host.GetInferenceModelAsync("c", ModelCapability.Classification, null, CancellationToken.None);
        var model = (FakeClassifier)lookup.Model!.Model;
        lookup.Lease.Dispose();

        _time.Advance(TimeSpan.FromSeconds(61));
        await host.SweepAsync();

        Assert.Empty(host.Loaded);
        Assert.True(model.Disposed);
    }

    [Fact]
    public async Task A_gguf_model_can_be_resident_as_generator_and_embedder_and_unloading_it_frees_both()
    {
        await using var host = Host(entries: Gguf("m"));

        var text = await host.GetTextModelAsync("m", CancellationToken.None);
        var embed = await host.GetInferenceModelAsync("m", ModelCapability.Embeddings, null, CancellationToken.None);
        text.Lease.Dispose();
        embed.Lease.Dispose();

        Assert.Equal(2, host.Loaded.Count);
        Assert.Equal(["completion", "embeddings"], host.Loaded.Select(m => m.Capability.Name).Order());

        Assert.True(await host.UnloadAsync("M"));
        Assert.Empty(host.Loaded);
    }

    [Fact]
    public async Task A_load_failure_is_reported_not_thrown()
    {
        _onnx.Failure = new ModelLoadException("ORT says: protobuf parsing failed");
        await using var host = Host(entries: Onnx("bad", "classification"));

        var lookup = await host.GetInferenceModelAsync("bad", ModelCapability.Classification, null, CancellationToken.None);

        Assert.Equal(ModelLookupError.LoadFailed, lookup.Error);
        Assert.Contains("protobuf parsing failed", lookup.Message);
        Assert.Empty(host.Loaded);
    }

    private sealed class FakeOnnxEngine : IModelEngine
    {
        private int _loads;
        public string Name => "fake-onnx";
        public bool CanServe(ModelEntry entry, ModelCapability capability) => entry.Format == ModelFormat.Onnx;
        public int Loads => Volatile.Read(ref _loads);
        public ModelLoadException? Failure { get; set; }

        public IInferenceModel LoadInferenceModel(ModelEntry entry, ModelCapability capability, ModelLoadSettings settings)
        {
            Interlocked.Increment(ref _loads);
            Thread.Sleep(20);
            return Failure is { } f ? throw f : new FakeClassifier();
        }
    }

    private sealed class FakeGgufEngine : IModelEngine
    {
        public string Name => "fake-gguf";
        public bool CanServe(ModelEntry entry, ModelCapability capability) => entry.Format == ModelFormat.Gguf;
        public ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings) => new FakeTextModel(entry.Id, 2048);
        public IInferenceModel LoadInferenceModel(ModelEntry entry, ModelCapability capability, ModelLoadSettings settings) => new FakeClassifier();
    }

    private sealed class FakeClassifier : IClassificationModel
    {
        public bool Disposed { get; private set; }
        public string Description => "fake";
        public int MaxBatchSize => 8;
        public ClassificationInputKind InputKind => ClassificationInputKind.Text;
        public IReadOnlyList<string> Labels => ["a", "b"];
        public bool MultiLabel => false;

        public ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken) =>
            ValueTask.FromResult<InferenceResult<ClassificationBatch>>(new ClassificationBatch([], 0));

        public void Dispose() => Disposed = true;
    }
}
