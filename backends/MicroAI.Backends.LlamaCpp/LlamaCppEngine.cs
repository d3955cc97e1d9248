using MicroAI.Backends.Abstractions;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Backends.LlamaCpp;

/// <summary>The llama.cpp engine: serves GGUF models.</summary>
internal sealed class LlamaCppEngine(IOptions<EngineOptions> options, ILoggerFactory loggerFactory) : IModelEngine
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("MicroAI.LlamaCpp");

    public string Name => "llama.cpp";
    public ModelFormat Format => ModelFormat.Gguf;

    public ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings) =>
        LlamaModel.Load(entry, settings, Place(entry, settings), _logger);

    /// <summary>Most sequences one embedding run packs (llama.cpp allows 256).</summary>
    private const int EmbeddingSequences = 64;

    public IInferenceModel LoadInferenceModel(ModelEntry entry, string capability, ModelLoadSettings settings)
    {
        if (capability is not ("embeddings" or "rerank"))
            throw new ModelLoadException($"The llama.cpp engine serves embeddings and rerank, not '{capability}'.");
        var model = LlamaModel.Load(entry, settings, Place(entry, settings), _logger, forGeneration: false);
        try
        {
            var manifestPooling = entry.Manifest?.PoolingType;
            // A decoder without a pooling type of its own is mean-pooled (as Ollama does); otherwise
            // llama.cpp applies the model's own (mean, cls, last, rank).
            var pooling = capability == "rerank" ? LlamaSequenceRunner.PoolingRank
                : manifestPooling is null or "none" or "unspecified" ? LlamaSequenceRunner.PoolingMean
                : -1;
            var configured = entry.Settings.ContextSize ?? options.Value.ContextSize;
            var tokens = configured > 0 ? configured : Math.Min(model.Info.TrainingContextLength > 0 ? model.Info.TrainingContextLength : 2048, 4096);
            var threads = options.Value.Threads > 0 ? options.Value.Threads : Environment.ProcessorCount;
            var runner = new LlamaSequenceRunner(model, pooling, tokens, EmbeddingSequences, threads, _logger);
            // Models made for embedding (an encoder, or a pooling type in their metadata) follow the
            // sentence-transformers convention of unit vectors; a decoder's mean is returned as is.
            var normalized = capability == "embeddings" && Embeddings.EmbeddingConventions.GgufNormalizes(manifestPooling, entry.Capabilities);
            return new LlamaEmbeddingModel(model, runner, normalized, _logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private Placement Place(ModelEntry entry, ModelLoadSettings settings)
    {
        try
        {
            LlamaRuntime.EnsureInitialised(options.Value.NativeDirectory, loggerFactory);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new ModelLoadException("The llama.cpp engine is not available: " + ex.Message, ex);
        }
        var placement = DevicePlacement.Choose(LlamaRuntime.Devices, settings);
        _logger.LogInformation("Model {Model} goes on {Device} ({Reason}).", entry.Id, placement.Device?.Name ?? "the CPU", placement.Reason);
        return placement;
    }
}
