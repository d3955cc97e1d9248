using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>The llama.cpp engine: serves GGUF models for generation, embeddings and rerank.</summary>
internal sealed class LlamaCppEngine(IOptions<EngineOptions> options, ILoggerFactory loggerFactory) : IModelEngine
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("MicroAI.LlamaCpp");

    public string Name => "llama.cpp";

    /// <summary>Every GGUF capability but classification, which only ONNX models have.</summary>
    public bool CanServe(ModelEntry entry, ModelCapability capability) =>
        entry.Format == ModelFormat.Gguf && capability != ModelCapability.Classification;

    public EnginePreflight Preflight() => LlamaPreflight.Check(options.Value.NativeDirectory);

    public string? Start()
    {
        EnsureInitialised();
        return $"llama.cpp {LlamaRuntime.Version} from {LlamaRuntime.NativeDirectory}; devices: " +
            string.Join("; ", LlamaRuntime.Devices.Select(d => $"{d.Name} ({d.Type}, {d.Description}, {d.TotalBytes / (1024 * 1024)} MiB)"));
    }

    public void WriteDevices(Utf8JsonWriter w)
    {
        string? problem = null;
        try
        {
            EnsureInitialised();
        }
        catch (EngineUnavailableException ex)
        {
            problem = ex.Message;
        }
        w.WriteStartObject();
        w.WriteString("name", "llama.cpp");
        w.WriteString("version", LlamaRuntime.Version);
        w.WriteString("natives", LlamaRuntime.NativeDirectory);
        if (problem is not null)
            w.WriteString("error", problem);
        w.WriteStartArray("devices");
        foreach (var d in LlamaRuntime.Devices)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("description", d.Description);
            w.WriteString("type", d.Type);
            w.WriteNumber("memory_total", d.TotalBytes);
            w.WriteNumber("memory_free", d.FreeBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public long EstimateMemory(ModelEntry entry, int contextTokens) => GgufMemoryEstimate.Estimate(entry, contextTokens);

    public ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings)
    {
        settings = WithLayers(entry, settings);
        return LlamaModel.Load(entry, settings, Place(entry, settings), _logger);
    }

    /// <summary>Most sequences one embedding run packs (llama.cpp allows 256).</summary>
    private const int EmbeddingSequences = 64;

    public IInferenceModel LoadInferenceModel(ModelEntry entry, ModelCapability capability, ModelLoadSettings settings)
    {
        if (capability != ModelCapability.Embeddings && capability != ModelCapability.Rerank)
            throw new ModelLoadException($"The llama.cpp engine serves embeddings and rerank, not '{capability}'.");
        settings = WithLayers(entry, settings);
        var model = LlamaModel.Load(entry, settings, Place(entry, settings), _logger, forGeneration: false);
        try
        {
            var manifestPooling = entry.Manifest?.PoolingType;
            // A decoder without a pooling type of its own is mean-pooled (as Ollama does); otherwise
            // llama.cpp applies the model's own (mean, cls, last, rank).
            var pooling = capability == ModelCapability.Rerank ? LlamaSequenceRunner.PoolingRank
                : manifestPooling is null or "none" or "unspecified" ? LlamaSequenceRunner.PoolingMean
                : -1;
            var tokens = options.Value.ResolveContextTokens(entry.Settings.ContextSize, model.Info.TrainingContextLength);
            var threads = options.Value.ResolveThreads();
            var runner = new LlamaSequenceRunner(model, pooling, tokens, EmbeddingSequences, threads, _logger);
            // Models made for embedding (an encoder, or a pooling type in their metadata) follow the
            // sentence-transformers convention of unit vectors; a decoder's mean is returned as is.
            var normalized = capability == ModelCapability.Embeddings && EmbeddingConventions.GgufNormalizes(manifestPooling, entry.Capabilities);
            return new LlamaEmbeddingModel(model, runner, normalized, _logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The layer count a partial offload is planned with, from the GGUF's metadata.</summary>
    private static ModelLoadSettings WithLayers(ModelEntry entry, ModelLoadSettings settings) =>
        settings.LayerCount > 0 ? settings : settings with { LayerCount = GgufMemoryEstimate.LayerCount(entry) };

    private void EnsureInitialised()
    {
        try
        {
            LlamaRuntime.EnsureInitialised(options.Value.NativeDirectory, loggerFactory);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new EngineUnavailableException(ex.Message, ex);
        }
    }

    private Placement Place(ModelEntry entry, ModelLoadSettings settings)
    {
        try
        {
            EnsureInitialised();
        }
        catch (EngineUnavailableException ex)
        {
            throw new ModelLoadException("The llama.cpp engine is not available: " + ex.Message, ex.InnerException);
        }
        var placement = DevicePlacement.Choose(LlamaRuntime.Devices, settings);
        _logger.LogInformation("Model {Model} goes on {Device} ({Reason}).", entry.Id, placement.Device?.Name ?? "the CPU", placement.Reason);
        return placement;
    }
}
