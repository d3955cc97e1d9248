using System.Collections.Concurrent;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Runtime.Models;

/// <summary>
/// Loads models on first use and keeps them resident for their keep-alive time, within a memory
/// budget: before a load, idle unpinned models are unloaded least recently used first until the
/// new model's estimate (weights + KV cache) fits. Loads are serialised, so two first requests for
/// one model load it once. A sweep every second unloads models idle past their keep-alive.
/// </summary>
internal sealed class ModelHost : IModelHost
{
    private readonly IModelCatalog _catalog;
    private readonly IReadOnlyList<IModelEngine> _engines;
    private readonly EngineOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LoadedModel> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private readonly TimeSpan _defaultKeepAlive;

    /// <summary>How long a forced unload waits for stopped requests to leave: they need milliseconds; 5 s covers a client slow to read its last event.</summary>
    private static readonly TimeSpan LeaseDrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a replaced version keeps running the requests it had: 10 minutes covers a 4,096-token
    /// answer at 7 tokens/s, the slowest CPU generation we measure.
    /// </summary>
    private static readonly TimeSpan RetireDrainTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Replaced versions still finishing their requests (<see cref="Retire"/>).</summary>
    private readonly ConcurrentDictionary<LoadedModel, Task> _retiring = new();

    /// <summary>Keys whose new version is loading while the previous one is resident (and answers meanwhile).</summary>
    private readonly ConcurrentDictionary<string, byte> _replacing = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per key, the replacement entry that failed to load while the previous version kept serving.</summary>
    private readonly ConcurrentDictionary<string, ModelEntry> _failedReplacements = new(StringComparer.OrdinalIgnoreCase);
    private readonly long _budget;

    public ModelHost(IModelCatalog catalog, IEnumerable<IModelEngine> engines, IOptions<EngineOptions> options, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        _catalog = catalog;
        _engines = engines.ToArray();
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MicroAI.Runtime.ModelHost");
        _time = time ?? TimeProvider.System;
        _defaultKeepAlive = KeepAlive.TryParse(_options.KeepAlive, out var k) ? k : TimeSpan.FromMinutes(5);
        _budget = _options.ResolveMemoryBudgetBytes();
        _sweeper = _time.CreateTimer(_ => _ = SweepAsync(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public long MemoryBudgetBytes => _budget;

    /// <summary>Unloads idle models whose keep-alive has passed.</summary>
    internal async Task SweepAsync()
    {
        foreach (var (key, m) in _loaded)
        {
            if (m.CanUnload && m.KeepAliveFor != KeepAlive.Forever && m.IdleFor >= m.KeepAliveFor)
            {
                try
                {
                    await UnloadKeyAsync(key).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return; // shutting down
                }
            }
        }
    }

    public string? DefaultModelId => _catalog.DefaultModelId;

    public IReadOnlyList<ModelEntry> ListModels() => _catalog.List();

    public IReadOnlyCollection<LoadedModel> Loaded => (IReadOnlyCollection<LoadedModel>)_loaded.Values;

    public ValueTask<ModelLookup<LoadedTextModel>> GetTextModelAsync(string? id, CancellationToken cancellationToken) => GetTextModelAsync(id, null, cancellationToken);

    public async ValueTask<ModelLookup<LoadedTextModel>> GetTextModelAsync(string? id, TimeSpan? keepAlive, CancellationToken cancellationToken) =>
        (await AcquireAsync(id, ModelCapability.Completion, keepAlive, cancellationToken).ConfigureAwait(false)).As<LoadedTextModel>();

    public async ValueTask<ModelLookup<LoadedInferenceModel>> GetInferenceModelAsync(string? id, ModelCapability capability, TimeSpan? keepAlive, CancellationToken cancellationToken)
    {
        if (capability.IsGeneration)
            throw new ArgumentException($"{capability} is served by GetTextModelAsync.", nameof(capability));
        return (await AcquireAsync(id, capability, keepAlive, cancellationToken).ConfigureAwait(false)).As<LoadedInferenceModel>();
    }

    public async ValueTask<ModelLookup<LoadedModel>> AcquireAsync(string? id, ModelCapability capability, TimeSpan? keepAlive, CancellationToken cancellationToken)
    {
        // Chat is completion with a template: one resident generator serves both.
        if (capability.IsGeneration)
            capability = ModelCapability.Completion;
        var lookup = await ResolveAsync(id, capability, cancellationToken).ConfigureAwait(false);
        if (lookup.Model is { } model && keepAlive is { } requested)
            model.KeepAliveFor = requested;
        return lookup;
    }

    /// <summary>
    /// Where a loaded model lives in <see cref="_loaded"/>: a GGUF model can be resident twice, as
    /// a generator and as an embedder (a separate context), so non-text uses get their own key.
    /// </summary>
    private static string KeyOf(string id, ModelCapability capability) =>
        capability == ModelCapability.Completion ? id : id + "#" + capability.Name;

    private async ValueTask<ModelLookup<LoadedModel>> ResolveAsync(string? id, ModelCapability capability, CancellationToken cancellationToken)
    {
        static ModelLookup<LoadedModel> Fail(ModelLookupError e, string m) => ModelLookup<LoadedModel>.Fail(e, m);
        static ModelLookup<LoadedModel> Leased(LoadedModel m) => ModelLookup<LoadedModel>.Leased(m);
        id ??= DefaultModelId;
        if (string.IsNullOrEmpty(id))
            return Fail(ModelLookupError.NotFound, "No model was named in the request and no default model is configured.");
        // The catalog is asked every time (a manifest read, tens of microseconds): a model removed or
        // replaced through the CLI or /api must not keep being served from memory.
        var entry = _catalog.Find(id);
        if (entry is null)
        {
            if (_loaded.Values.Any(m => string.Equals(m.Entry.Id, id, StringComparison.OrdinalIgnoreCase)))
                await UnloadAsync(id).ConfigureAwait(false);
            return Fail(ModelLookupError.NotFound, $"The model '{id}' does not exist.");
        }
        if (entry.Problem is { } problem)
            return Fail(ModelLookupError.InvalidModelFile, $"The model '{entry.Id}' cannot be loaded: {problem}");
        // Also for a resident model: llama.cpp maps the file, so bytes altered on disk would be served from memory.
        if (_catalog.CheckFiles(entry) is { } altered)
        {
            _logger.LogError("Refusing model {Model}: {Reason}", entry.Id, altered);
            await UnloadAsync(entry.Id).ConfigureAwait(false);
            return Fail(ModelLookupError.InvalidModelFile, $"The model '{entry.Id}' cannot be loaded: {altered}");
        }
        var key = KeyOf(entry.Id, capability);
        if (_loaded.TryGetValue(key, out var hot))
        {
            if (SameFile(hot.Entry, entry) && hot.TryAcquire())
                return Leased(hot);
            // Replaced on disk while the new version loads (started by an earlier request): the previous
            // version answers rather than make this request wait seconds.
            if (!SameFile(hot.Entry, entry) && _replacing.ContainsKey(key) && hot.TryAcquire())
                return Leased(hot);
        }
        // Otherwise it is not loaded, being unloaded, or replaced on disk: the locked path below loads it.
        var isText = capability == ModelCapability.Completion;
        if (!entry.Has(capability))
        {
            var what = isText ? "does not generate text" : $"does not support {capability}";
            var has = entry.Capabilities.Count == 0 ? "none known" : string.Join(", ", entry.Capabilities);
            return Fail(ModelLookupError.NotATextModel, $"The model '{entry.Id}' {what} (its capabilities: {has}).");
        }
        var engine = _engines.FirstOrDefault(e => e.CanServe(entry, capability));
        if (engine is null)
            return Fail(ModelLookupError.NotATextModel, $"The model '{id}' ({entry.Format}) cannot be served on this server: no installed engine serves {capability} with {entry.Format.Name()} models.");

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        LoadedModel? previous = null;
        try
        {
            // Unloads also hold this lock, so a resident model here is not closing.
            if (_loaded.TryGetValue(key, out hot))
            {
                if (SameFile(hot.Entry, entry) && hot.TryAcquire())
                    return Leased(hot);
                if (!SameFile(hot.Entry, entry))
                {
                    previous = hot;
                    // A replacement that failed to load is not retried on every request: the previous
                    // version keeps serving until the files change again.
                    if (_failedReplacements.TryGetValue(key, out var failed) && SameFile(failed, entry) && previous.TryAcquire())
                        return Leased(previous);
                }
            }
            var (context, slots) = ContextOf(entry, trainingContext: entry.Manifest?.ContextLength);
            var estimate = engine.EstimateMemory(entry, isText ? context * slots : 0);
            if (await MakeRoomAsync(entry.Id, estimate).ConfigureAwait(false) is { } noRoom)
            {
                if (previous?.TryAcquire() == true)
                {
                    _logger.LogWarning("Model {Model} changed on disk but the new version does not fit yet ({Reason}); the previous version keeps serving.", entry.Id, noRoom);
                    return Leased(previous);
                }
                return Fail(ModelLookupError.NoCapacity, noRoom);
            }
            if (previous is not null)
                _replacing[key] = 0;
            LoadedModel loaded;
            try
            {
                loaded = isText
                    ? await Task.Run(() => Load(engine, entry, estimate), CancellationToken.None).ConfigureAwait(false)
                    : await Task.Run(() => LoadInference(engine, entry, capability, estimate), CancellationToken.None).ConfigureAwait(false);
                loaded.TryAcquire();
                _loaded[key] = loaded;
            }
            finally
            {
                _replacing.TryRemove(key, out _);
            }
            _failedReplacements.TryRemove(key, out _);
            if (previous is not null)
            {
                _logger.LogInformation("Model {Model} changed on disk ({Old} → {New}); new requests go to the new version.", entry.Id, previous.Entry.Path, entry.Path);
                Retire(previous);
            }
            return Leased(loaded);
        }
        catch (ModelLoadException ex)
        {
            _logger.LogError("Loading model {Model} failed: {Reason}", entry.Id, ex.Message);
            if (previous?.TryAcquire() == true)
            {
                _failedReplacements[key] = entry;
                _logger.LogWarning("Model {Model}: the previous version keeps serving.", entry.Id);
                return Leased(previous);
            }
            return Fail(ModelLookupError.LoadFailed, ex.Message);
        }
        finally
        {
            _loadLock.Release();
        }
    }

    /// <summary>
    /// Takes a replaced version out of service without failing anyone: it takes no new requests, the
    /// ones it runs finish on it, then it is freed. A generation that is still running after
    /// <see cref="RetireDrainTimeout"/> is stopped with an error, as an unload would.
    /// </summary>
    private void Retire(LoadedModel old)
    {
        old.ForceClose();
        var retiring = Task.Run(async () =>
        {
            if (!await old.WaitForLeasesAsync(RetireDrainTimeout).ConfigureAwait(false))
            {
                if (old is LoadedTextModel text)
                    text.Scheduler.Stop(new GenerationError(GenerationErrorCode.ModelUnloaded,
                        $"The model '{old.Entry.Id}' was replaced and this request outlived the previous version; retry."));
                await old.WaitForLeasesAsync(LeaseDrainTimeout).ConfigureAwait(false);
            }
            await old.DisposeModelAsync().ConfigureAwait(false);
            _logger.LogInformation("Unloaded the previous version of {Model} ({Capability})", old.Entry.Id, old.Capability);
        });
        _retiring[old] = retiring;
        retiring.ContinueWith(_ => _retiring.TryRemove(old, out var _), TaskScheduler.Default);
    }

    /// <summary>
    /// Unloads idle, unpinned models (least recently used first) until <paramref name="needed"/>
    /// bytes fit in the budget. Called under the load lock. Returns why it cannot, or null. A model
    /// larger than the whole budget still loads when nothing else is resident (the budget is an
    /// estimate; refusing the only model would help no one).
    /// </summary>
    private async Task<string?> MakeRoomAsync(string id, long needed)
    {
        long Used() => _loaded.Values.Sum(m => m.EstimatedBytes);
        foreach (var (victimKey, victim) in _loaded.Where(kv => kv.Value.CanUnload).OrderByDescending(kv => kv.Value.IdleFor).ToList())
        {
            if (Used() + needed <= _budget)
                break;
            _logger.LogInformation("Unloading idle model {Victim} to make room for {Model} ({Needed} MiB; budget {Budget} MiB)",
                victim.Entry.Id, id, needed >> 20, _budget >> 20);
            await UnloadCoreAsync(victimKey, force: false).ConfigureAwait(false);
        }
        var used = Used();
        if (used + needed <= _budget || _loaded.IsEmpty)
            return null;
        return $"Loading '{id}' needs about {needed >> 20} MiB, but {used >> 20} of the {_budget >> 20} MiB memory budget (MicroAI:MemoryBudgetMiB) " +
            "is held by models that are busy or pinned. Retry when they are idle.";
    }

    private (int Context, int Slots) ContextOf(ModelEntry entry, long? trainingContext)
    {
        var settings = entry.Settings;
        return (_options.ResolveContextTokens(settings.ContextSize, trainingContext), settings.ParallelSlots ?? _options.ParallelSlots);
    }

    private LoadedTextModel Load(IModelEngine engine, ModelEntry entry, long estimate)
    {
        var started = DateTime.UtcNow;
        var settings = entry.Settings;
        var model = engine.LoadTextModel(entry, new ModelLoadSettings(settings.GpuLayers ?? _options.GpuLayers, settings.ChatTemplate,
            settings.Device ?? _options.Device, estimate));
        try
        {
            var (context, slots) = ContextOf(entry, model.Info.TrainingContextLength);
            var threads = _options.ResolveThreads();
            var decoderOptions = new DecoderOptions(slots, context, _options.BatchSize, threads);
            var decoder = model.CreateDecoder(decoderOptions);
            var scheduler = new BatchingScheduler(model, decoder, new SchedulerOptions { MaxQueuedRequests = _options.MaxQueuedRequests, PromptCacheBytes = (long)_options.PromptCacheMiB << 20, PrefillChunkTokens = _options.PrefillChunkTokens, Policy = _options.SchedulingPolicy },
                _loggerFactory.CreateLogger("MicroAI.Runtime.Scheduler"));
            _logger.LogInformation(
                "Loaded model {Model} ({Description}, {Params:N0} parameters, chat format {Format}) with {Engine} in {Ms:F0} ms: {Slots} slots × {Context} tokens, {Threads} threads",
                entry.Id, model.Info.Description, model.Info.ParameterCount, model.Info.ChatFormat, engine.Name,
                (DateTime.UtcNow - started).TotalMilliseconds, decoder.SlotCount, decoder.SlotContextSize, threads);
            var keepAlive = settings.KeepAlive is { } k && KeepAlive.TryParse(k, out var parsed) ? parsed : _defaultKeepAlive;
            return new LoadedTextModel(entry, model, scheduler, decoderOptions, _time)
            {
                EstimatedBytes = estimate,
                // The default model stays unless configured otherwise: it is what the server is for.
                Pinned = settings.Pinned ?? string.Equals(entry.Id, _catalog.DefaultModelId, StringComparison.OrdinalIgnoreCase),
                KeepAliveFor = keepAlive,
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private LoadedInferenceModel LoadInference(IModelEngine engine, ModelEntry entry, ModelCapability capability, long estimate)
    {
        var started = DateTime.UtcNow;
        var settings = entry.Settings;
        var model = engine.LoadInferenceModel(entry, capability, new ModelLoadSettings(settings.GpuLayers ?? _options.GpuLayers, settings.ChatTemplate,
            settings.Device ?? _options.Device, estimate));
        _logger.LogInformation("Loaded model {Model} for {Capability} ({Description}) with {Engine} in {Ms:F0} ms",
            entry.Id, capability, model.Description, engine.Name, (DateTime.UtcNow - started).TotalMilliseconds);
        var keepAlive = settings.KeepAlive is { } k && KeepAlive.TryParse(k, out var parsed) ? parsed : _defaultKeepAlive;
        return new LoadedInferenceModel(entry, capability, model, _time)
        {
            EstimatedBytes = estimate,
            Pinned = settings.Pinned ?? string.Equals(entry.Id, _catalog.DefaultModelId, StringComparison.OrdinalIgnoreCase),
            KeepAliveFor = keepAlive,
        };
    }

    /// <summary>Registry blobs are named by digest, so a new path means new content; loose files are compared by size and time too.</summary>
    private static bool SameFile(ModelRegistry.ModelEntry a, ModelRegistry.ModelEntry b) =>
        string.Equals(a.Path, b.Path, StringComparison.Ordinal) && a.SizeBytes == b.SizeBytes && a.CreatedUtc == b.CreatedUtc;

    /// <summary>Unloads every resident use of the model (generator, embedder, …).</summary>
    public async ValueTask<bool> UnloadAsync(string id)
    {
        await _loadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var any = false;
            foreach (var key in _loaded.Where(kv => string.Equals(kv.Value.Entry.Id, id, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Key).ToList())
                any |= await UnloadCoreAsync(key, force: true).ConfigureAwait(false);
            return any;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    /// <summary>Unloads one resident model if it is idle and not pinned.</summary>
    private async ValueTask<bool> UnloadKeyAsync(string key)
    {
        await _loadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            return await UnloadCoreAsync(key, force: false).ConfigureAwait(false);
        }
        finally
        {
            _loadLock.Release();
        }
    }

    /// <summary>
    /// Unloads under the load lock. Without <paramref name="force"/> only a model without leases
    /// and not pinned goes, and closing it to new leases is atomic with that check.
    /// </summary>
    private async Task<bool> UnloadCoreAsync(string key, bool force)
    {
        if (!_loaded.TryGetValue(key, out var loaded))
            return false;
        if (force)
            loaded.ForceClose();
        else if (loaded.Pinned || !loaded.TryClose())
            return false; // a request holds it (or took it while we waited for the lock)
        _loaded.TryRemove(key, out _);
        if (force && loaded.HeldLeases > 0)
        {
            // Requests still hold it (a stream of a model being deleted or replaced): end their
            // generations with an error they can write out, then let them leave before the weights
            // go; a request thread may be tokenizing with the model, and freeing it under that
            // thread is a use-after-free in native code.
            if (loaded is LoadedTextModel text)
                text.Scheduler.Stop(new GenerationError(GenerationErrorCode.ModelUnloaded,
                    $"The model '{loaded.Entry.Id}' was unloaded while this request ran (deleted, replaced or unloaded by hand); retry."));
            if (!await loaded.WaitForLeasesAsync(LeaseDrainTimeout).ConfigureAwait(false))
                _logger.LogWarning("Model {Model}: {Leases} requests still hold it {Seconds} s after it was stopped; freeing it anyway.",
                    loaded.Entry.Id, loaded.HeldLeases, LeaseDrainTimeout.TotalSeconds);
        }
        await loaded.DisposeModelAsync().ConfigureAwait(false);
        _logger.LogInformation("Unloaded model {Model} ({Capability})", loaded.Entry.Id, loaded.Capability);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var old in _retiring.Keys)
        {
            if (old is LoadedTextModel text)
                text.Scheduler.Stop(new GenerationError(GenerationErrorCode.ModelUnloaded, "The server is shutting down."));
        }
        await Task.WhenAll(_retiring.Values).ConfigureAwait(false);
        foreach (var loaded in _loaded.Values)
            await loaded.DisposeModelAsync().ConfigureAwait(false);
        _loaded.Clear();
        _loadLock.Dispose();
    }
}
