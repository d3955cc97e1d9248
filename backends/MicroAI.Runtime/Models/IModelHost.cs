using MicroAI.ModelRegistry;

namespace MicroAI.Runtime.Models;

/// <summary>Resolves a model id to a loaded model, loading it on first use.</summary>
public interface IModelHost : IAsyncDisposable
{
    /// <summary>The id served when a request names no model.</summary>
    string? DefaultModelId { get; }

    IReadOnlyList<ModelEntry> ListModels();

    /// <summary>
    /// Resolves and (if needed) loads a model for <paramref name="capability"/>: a
    /// <see cref="LoadedTextModel"/> for completion and chat, a <see cref="LoadedInferenceModel"/> for
    /// the whole-request capabilities. Dispose the returned <see cref="ModelLookup{TModel}.Lease"/>
    /// when the request is done: a model with leases is never unloaded. <paramref name="keepAlive"/>
    /// (Ollama's keep_alive) sets how long it stays loaded once idle.
    /// </summary>
    ValueTask<ModelLookup<LoadedModel>> AcquireAsync(string? id, ModelCapability capability, TimeSpan? keepAlive, CancellationToken cancellationToken);

    ValueTask<ModelLookup<LoadedTextModel>> GetTextModelAsync(string? id, CancellationToken cancellationToken) => GetTextModelAsync(id, null, cancellationToken);

    /// <summary>A text-generation model: <see cref="AcquireAsync"/> for completion.</summary>
    ValueTask<ModelLookup<LoadedTextModel>> GetTextModelAsync(string? id, TimeSpan? keepAlive, CancellationToken cancellationToken);

    /// <summary>A whole-request model (classification, embeddings, rerank): <see cref="AcquireAsync"/> for it.</summary>
    ValueTask<ModelLookup<LoadedInferenceModel>> GetInferenceModelAsync(string? id, ModelCapability capability, TimeSpan? keepAlive, CancellationToken cancellationToken);

    IReadOnlyCollection<LoadedModel> Loaded { get; }

    /// <summary>Stops a resident model (failing what it runs) and frees it; false if it was not loaded.</summary>
    ValueTask<bool> UnloadAsync(string id);
}
