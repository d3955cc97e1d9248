using MicroAI.ModelRegistry;

namespace MicroAI.Backends.Abstractions;

/// <summary>An inference engine (llama.cpp, ONNX Runtime) that can load models of one format.</summary>
public interface IModelEngine
{
    string Name { get; }
    ModelFormat Format { get; }

    /// <summary>Loads a text model; throws <see cref="ModelLoadException"/> with a clear message on failure.</summary>
    ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings) =>
        throw new ModelLoadException($"The {Name} engine does not generate text.");

    /// <summary>
    /// Loads a model for one whole-request capability ("classification", "embeddings", "rerank"):
    /// the result implements the matching interface (<see cref="IClassificationModel"/>, …).
    /// Throws <see cref="ModelLoadException"/> with a clear message on failure.
    /// </summary>
    IInferenceModel LoadInferenceModel(ModelEntry entry, string capability, ModelLoadSettings settings) =>
        throw new ModelLoadException($"The {Name} engine cannot serve '{capability}' with '{entry.Id}'.");
}

/// <param name="GpuLayers">Layers to offload; -1 all.</param>
/// <param name="Device">"auto" (the GPU with the most free memory if the model fits, else the CPU), "cpu", or a device name ("CUDA0").</param>
/// <param name="EstimatedBytes">The model's size once loaded (weights + KV cache), for automatic placement.</param>
/// <param name="LayerCount">The model's repeating layers (GGUF block_count), for a partial offload that fits; 0 = unknown.</param>
public sealed record ModelLoadSettings(int GpuLayers, string? ChatTemplate, string? Device = null, long EstimatedBytes = 0, int LayerCount = 0);

public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
