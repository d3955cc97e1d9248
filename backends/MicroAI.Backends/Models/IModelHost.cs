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

    /// <summary>A lookup holding a lease the caller already took with <see cref="LoadedTextModel.TryAcquire"/>.</summary>
    public static ModelLookup Leased(LoadedTextModel model) => new(model, ModelLookupError.None, null) { Lease = new ModelLease(model) };
    public static ModelLookup Fail(ModelLookupError error, string message) => new(null, error, message);
}

/// <summary>A request's hold on a resident model; disposing it marks the model used now.</summary>
public readonly struct ModelLease : IDisposable
{
    private readonly LoadedTextModel? _model;

    internal ModelLease(LoadedTextModel model) => _model = model;

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

    /// <summary>Requests holding the model; negative once it is closing (no new leases).</summary>
    public int ActiveLeases => Math.Max(Volatile.Read(ref _leases), 0);
    public TimeSpan IdleFor => ActiveLeases > 0 ? TimeSpan.Zero : _time.GetElapsedTime(Volatile.Read(ref _lastUsed));
    public bool CanUnload => !Pinned && ActiveLeases == 0;

    private const int Closed = int.MinValue / 2;

    /// <summary>Takes a lease unless the model is being unloaded (then the caller looks it up again).</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var n = Volatile.Read(ref _leases);
            if (n < 0)
                return false;
            if (Interlocked.CompareExchange(ref _leases, n + 1, n) == n)
            {
                Volatile.Write(ref _lastUsed, _time.GetTimestamp());
                return true;
            }
        }
    }

    internal void Release()
    {
        Volatile.Write(ref _lastUsed, _time.GetTimestamp());
        Interlocked.Decrement(ref _leases);
    }

    /// <summary>Closes the model to new leases if it has none; the one atomic step that makes "idle" safe to unload.</summary>
    internal bool TryClose() => Interlocked.CompareExchange(ref _leases, Closed, 0) == 0;

    /// <summary>Closes it whatever its leases (explicit unload: the model was deleted or replaced).</summary>
    internal void ForceClose() => Interlocked.Add(ref _leases, Closed);
}
