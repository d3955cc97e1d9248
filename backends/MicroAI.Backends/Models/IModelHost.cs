using MicroAI.Backends.Abstractions;
using MicroAI.Backends.Scheduling;
using MicroAI.ModelRegistry;

namespace MicroAI.Backends.Models;

/// <summary>Resolves a model id to a loaded model with its scheduler, loading it on first use.</summary>
public interface IModelHost : IAsyncDisposable
{
    /// <summary>The id served when a request names no model.</summary>
    string? DefaultModelId { get; }

    IReadOnlyList<ModelEntry> ListModels();

    ValueTask<ModelLookup> GetTextModelAsync(string? id, CancellationToken cancellationToken) => GetTextModelAsync(id, null, cancellationToken);

    /// <summary>
    /// Resolves and (if needed) loads a model. Dispose the returned <see cref="ModelLookup.Lease"/>
    /// when the request is done: a model with leases is never unloaded. <paramref name="keepAlive"/>
    /// (Ollama's keep_alive) sets how long it stays loaded once idle.
    /// </summary>
    ValueTask<ModelLookup> GetTextModelAsync(string? id, TimeSpan? keepAlive, CancellationToken cancellationToken);

    IReadOnlyCollection<LoadedTextModel> Loaded { get; }

    /// <summary>Stops a resident model's scheduler (failing what it runs) and frees it; false if it was not loaded.</summary>
    ValueTask<bool> UnloadAsync(string id);
}

public enum ModelLookupError
{
    None,
    NotFound,
    NotATextModel,
    LoadFailed,
    /// <summary>No room within the memory budget while the resident models are busy.</summary>
    NoCapacity,
}

public readonly record struct ModelLookup(LoadedTextModel? Model, ModelLookupError Error, string? Message)
{
    /// <summary>Keeps the model loaded until disposed (a no-op for failed lookups).</summary>
    public ModelLease Lease { get; init; }

    public static ModelLookup Ok(LoadedTextModel model) => new(model, ModelLookupError.None, null) { Lease = new ModelLease(model) };
    public static ModelLookup Fail(ModelLookupError error, string message) => new(null, error, message);
}

/// <summary>A request's hold on a resident model; disposing it marks the model used now.</summary>
public readonly struct ModelLease : IDisposable
{
    private readonly LoadedTextModel? _model;

    internal ModelLease(LoadedTextModel model)
    {
        _model = model;
        model.Acquire();
    }

    public void Dispose() => _model?.Release();
}

/// <summary>A resident text model: its info and the scheduler that owns its context.</summary>
public sealed class LoadedTextModel(ModelEntry entry, ITextModel model, IGenerationScheduler scheduler, DecoderOptions decoder, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _leases;
    private long _lastUsed = (time ?? TimeProvider.System).GetTimestamp();

    public ModelEntry Entry { get; } = entry;
    public TextModelInfo Info => Model.Info;
    public ITextModel Model { get; } = model;
    public IGenerationScheduler Scheduler { get; } = scheduler;
    public DecoderOptions Decoder { get; } = decoder;

    /// <summary>Weights + KV cache + margin, as estimated before loading; counts against the memory budget.</summary>
    public long EstimatedBytes { get; init; }
    /// <summary>Never unloaded for idleness or to make room.</summary>
    public bool Pinned { get; init; }
    /// <summary>How long it stays loaded once idle; <see cref="KeepAlive.Forever"/> = until unloaded by hand.</summary>
    public TimeSpan KeepAliveFor { get; set; }

    public int ActiveLeases => Volatile.Read(ref _leases);
    public TimeSpan IdleFor => ActiveLeases > 0 ? TimeSpan.Zero : _time.GetElapsedTime(Volatile.Read(ref _lastUsed));
    public bool CanUnload => !Pinned && ActiveLeases == 0;

    internal void Acquire()
    {
        Interlocked.Increment(ref _leases);
        Volatile.Write(ref _lastUsed, _time.GetTimestamp());
    }

    internal void Release()
    {
        Volatile.Write(ref _lastUsed, _time.GetTimestamp());
        Interlocked.Decrement(ref _leases);
    }
}
