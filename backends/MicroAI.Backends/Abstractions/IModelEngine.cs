using MicroAI.ModelRegistry;

namespace MicroAI.Backends.Abstractions;

/// <summary>An inference engine (llama.cpp, ONNX Runtime) that can load models of one format.</summary>
public interface IModelEngine
{
    string Name { get; }
    ModelFormat Format { get; }

    /// <summary>Loads a text model; throws <see cref="ModelLoadException"/> with a clear message on failure.</summary>
    ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings);
}

/// <param name="GpuLayers">Layers to offload; -1 all.</param>
/// <param name="Device">"auto" (the GPU with the most free memory if the model fits, else the CPU), "cpu", or a device name ("CUDA0").</param>
/// <param name="EstimatedBytes">The model's size once loaded (weights + KV cache), for automatic placement.</param>
public sealed record ModelLoadSettings(int GpuLayers, string? ChatTemplate, string? Device = null, long EstimatedBytes = 0);

public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
