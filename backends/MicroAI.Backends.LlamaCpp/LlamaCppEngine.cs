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

    public ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings)
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
        return LlamaModel.Load(entry, settings, placement, _logger);
    }
}
