using System.Collections.Concurrent;
using MicroAI.Backends.Abstractions;
using MicroAI.Backends.Scheduling;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Backends.Models;

/// <summary>
/// Loads models on first use and keeps them resident. Loads are serialised (one at a time) so two
/// requests for a cold model load it once. Memory budgets and eviction come with the scheduler work.
/// </summary>
internal sealed class ModelHost : IModelHost
{
    private readonly IModelCatalog _catalog;
    private readonly IReadOnlyList<IModelEngine> _engines;
    private readonly EngineOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LoadedTextModel> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _loadLock = new(1, 1);

    public ModelHost(IModelCatalog catalog, IEnumerable<IModelEngine> engines, IOptions<EngineOptions> options, ILoggerFactory loggerFactory)
    {
        _catalog = catalog;
        _engines = engines.ToArray();
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MicroAI.Backends.ModelHost");
    }

    public string? DefaultModelId => _catalog.DefaultModelId;

    public IReadOnlyList<ModelEntry> ListModels() => _catalog.List();

    public IReadOnlyCollection<LoadedTextModel> Loaded => (IReadOnlyCollection<LoadedTextModel>)_loaded.Values;

    public async ValueTask<ModelLookup> GetTextModelAsync(string? id, CancellationToken cancellationToken)
    {
        id ??= DefaultModelId;
        if (string.IsNullOrEmpty(id))
            return ModelLookup.Fail(ModelLookupError.NotFound, "No model was named in the request and no default model is configured.");
        // The catalog is asked every time (a manifest read, tens of microseconds): a model removed or
        // replaced through the CLI or /api must not keep being served from memory.
        var entry = _catalog.Find(id);
        if (entry is null)
        {
            if (_loaded.ContainsKey(id))
                await UnloadAsync(id).ConfigureAwait(false);
            return ModelLookup.Fail(ModelLookupError.NotFound, $"The model '{id}' does not exist.");
        }
        if (_loaded.TryGetValue(entry.Id, out var hot))
        {
            if (SameFile(hot.Entry, entry))
                return ModelLookup.Ok(hot);
            _logger.LogInformation("Model {Model} changed on disk ({Old} → {New}); reloading.", entry.Id, hot.Entry.Path, entry.Path);
            await UnloadAsync(entry.Id).ConfigureAwait(false);
        }
        if (!entry.Capabilities.Contains("completion"))
            return ModelLookup.Fail(ModelLookupError.NotATextModel, $"The model '{entry.Id}' does not generate text (its capabilities: {string.Join(", ", entry.Capabilities)}).");
        var engine = _engines.FirstOrDefault(e => e.Format == entry.Format);
        if (engine is null)
            return ModelLookup.Fail(ModelLookupError.NotATextModel, $"The model '{id}' ({entry.Format}) cannot generate text on this server.");

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded.TryGetValue(entry.Id, out hot))
                return ModelLookup.Ok(hot);
            var loaded = await Task.Run(() => Load(engine, entry), CancellationToken.None).ConfigureAwait(false);
            _loaded[entry.Id] = loaded;
            return ModelLookup.Ok(loaded);
        }
        catch (ModelLoadException ex)
        {
            _logger.LogError("Loading model {Model} failed: {Reason}", entry.Id, ex.Message);
            return ModelLookup.Fail(ModelLookupError.LoadFailed, ex.Message);
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private LoadedTextModel Load(IModelEngine engine, ModelEntry entry)
    {
        var started = DateTime.UtcNow;
        var settings = entry.Settings;
        var model = engine.LoadTextModel(entry, new ModelLoadSettings(settings.GpuLayers ?? _options.GpuLayers, settings.ChatTemplate));
        try
        {
            var context = settings.ContextSize ?? _options.ContextSize;
            if (context <= 0)
                context = Math.Min(model.Info.TrainingContextLength > 0 ? model.Info.TrainingContextLength : 4096, 4096);
            var slots = settings.ParallelSlots ?? _options.ParallelSlots;
            var threads = _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;
            var decoderOptions = new DecoderOptions(slots, context, _options.BatchSize, threads);
            var decoder = model.CreateDecoder(decoderOptions);
            var scheduler = new BatchingScheduler(model, decoder, new SchedulerOptions { MaxQueuedRequests = _options.MaxQueuedRequests, PromptCacheBytes = (long)_options.PromptCacheMiB << 20 },
                _loggerFactory.CreateLogger("MicroAI.Backends.Scheduler"));
            _logger.LogInformation(
                "Loaded model {Model} ({Description}, {Params:N0} parameters, chat format {Format}) with {Engine} in {Ms:F0} ms: {Slots} slots × {Context} tokens, {Threads} threads",
                entry.Id, model.Info.Description, model.Info.ParameterCount, model.Info.ChatFormat, engine.Name,
                (DateTime.UtcNow - started).TotalMilliseconds, decoder.SlotCount, decoder.SlotContextSize, threads);
            return new LoadedTextModel(entry, model, scheduler, decoderOptions);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Registry blobs are named by digest, so a new path means new content; loose files are compared by size and time too.</summary>
    private static bool SameFile(ModelRegistry.ModelEntry a, ModelRegistry.ModelEntry b) =>
        string.Equals(a.Path, b.Path, StringComparison.Ordinal) && a.SizeBytes == b.SizeBytes && a.CreatedUtc == b.CreatedUtc;

    public async ValueTask<bool> UnloadAsync(string id)
    {
        await _loadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_loaded.TryRemove(id, out var loaded))
                return false;
            await loaded.Scheduler.DisposeAsync().ConfigureAwait(false);
            loaded.Model.Dispose();
            _logger.LogInformation("Unloaded model {Model}", id);
            return true;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loaded in _loaded.Values)
        {
            await loaded.Scheduler.DisposeAsync().ConfigureAwait(false);
            loaded.Model.Dispose();
        }
        _loaded.Clear();
        _loadLock.Dispose();
    }
}
