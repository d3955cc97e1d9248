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

public sealed record ModelLoadSettings(int GpuLayers, string? ChatTemplate);

public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
