using System.Text.Json;
using MicroAI.ModelRegistry;

namespace MicroAI.Engines.Abstractions;

/// <summary>
/// An inference engine (llama.cpp, ONNX Runtime): the whole of what the server needs of one. Its
/// project registers it with one line in the server's composition root; the model host asks every
/// registered engine, in registration order, whether it can serve a model, so a new engine is a new
/// project and that line. Engines are singletons: every member may be called from any thread.
/// Only <see cref="Name"/> and <see cref="CanServe"/> are required: the defaults fit an engine
/// without natives or devices of its own (one that forwards to a remote server).
/// </summary>
public interface IModelEngine
{
    string Name { get; }

    /// <summary>
    /// Whether this engine loads <paramref name="entry"/> for <paramref name="capability"/>, judged from
    /// what the catalog knows (format, manifest) without touching the natives. The host has already
    /// checked that the model has the capability; this says whether this engine runs it.
    /// </summary>
    bool CanServe(ModelEntry entry, ModelCapability capability);

    /// <summary>
    /// Before the server listens: are the engine's native libraries there and built for this
    /// platform? Reads file headers only and loads nothing.
    /// </summary>
    EnginePreflight Preflight() => new("", null);

    /// <summary>
    /// At start, after the preflight: loads the natives and returns one line for the log (version,
    /// devices), so a container's log says at once whether the GPU was seen; null for an engine that
    /// starts on first use. Throws <see cref="EngineUnavailableException"/> when a required engine
    /// cannot start (the server then answers 503 on /health).
    /// </summary>
    string? Start() => null;

    /// <summary>Writes this engine's object in GET /api/devices' "engines" array: name, version, an "error" when it is unavailable, and its devices in its own terms.</summary>
    void WriteDevices(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteStartArray("devices");
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Bytes the model will take once loaded with <paramref name="contextTokens"/> tokens of KV cache
    /// in all (0 for a whole-request model), estimated before loading it: counted against the memory
    /// budget and used to place it on a device. By default the weights as stored plus a compute
    /// margin, right for an engine without a KV cache of its own.
    /// </summary>
    long EstimateMemory(ModelEntry entry, int contextTokens) => entry.SizeBytes + ComputeMarginBytes;

    /// <summary>Activations and scratch buffers beside the weights: 32 MiB covers the compute buffers of the models served here (the 125M benchmark model needs under 20).</summary>
    const long ComputeMarginBytes = 32L << 20;

    /// <summary>Loads a text model; throws <see cref="ModelLoadException"/> with a clear message on failure.</summary>
    ITextModel LoadTextModel(ModelEntry entry, ModelLoadSettings settings) =>
        throw new ModelLoadException($"The {Name} engine does not generate text.");

    /// <summary>
    /// Loads a model for one whole-request capability (classification, embeddings, rerank): the
    /// result implements the matching interface (<see cref="IClassificationModel"/>, …).
    /// Throws <see cref="ModelLoadException"/> with a clear message on failure.
    /// </summary>
    IInferenceModel LoadInferenceModel(ModelEntry entry, ModelCapability capability, ModelLoadSettings settings) =>
        throw new ModelLoadException($"The {Name} engine cannot serve '{capability}' with '{entry.Id}'.");
}

/// <summary>What an engine's preflight found: its part of the start-up log line, or why the server cannot start (one line).</summary>
public sealed record EnginePreflight(string Report, string? Problem)
{
    public static EnginePreflight Fail(string problem) => new("", problem);
}

/// <param name="GpuLayers">Layers to offload; -1 all.</param>
/// <param name="Device">"auto" (the GPU with the most free memory if the model fits, else the CPU), "cpu", or a device name ("CUDA0").</param>
/// <param name="EstimatedBytes">The model's size once loaded (weights + KV cache), for automatic placement.</param>
/// <param name="LayerCount">The model's repeating layers (GGUF block_count), for a partial offload that fits; 0 = unknown (the llama.cpp engine reads it from the file).</param>
public sealed record ModelLoadSettings(int GpuLayers, string? ChatTemplate, string? Device = null, long EstimatedBytes = 0, int LayerCount = 0);

public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An engine whose natives cannot be loaded; the message says why in one line.</summary>
public sealed class EngineUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
