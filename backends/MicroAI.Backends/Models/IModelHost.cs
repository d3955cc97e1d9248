using MicroAI.ModelRegistry;

namespace MicroAI.Backends.Models;

/// <summary>Resolves a model id to a loaded model, loading it on first use.</summary>
public interface IModelHost : IAsyncDisposable
{
    /// <summary>The id served when a request names no model.</summary>
    string? DefaultModelId { get; }

    IReadOnlyList<ModelEntry> ListModels();

    ValueTask<ModelLookup> GetTextModelAsync(string? id, CancellationToken cancellationToken) => GetTextModelAsync(id, null, cancellationToken);

    /// <summary>
    /// Resolves and (if needed) loads a text-generation model. Dispose the returned
    /// <see cref="ModelLookup.Lease"/> when the request is done: a model with leases is never
    /// unloaded. <paramref name="keepAlive"/> (Ollama's keep_alive) sets how long it stays loaded once idle.
    /// </summary>
    ValueTask<ModelLookup> GetTextModelAsync(string? id, TimeSpan? keepAlive, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves and (if needed) loads a model for a whole-request <paramref name="capability"/>
    /// ("classification", "embeddings", "rerank"); the lease works as for text models.
    /// </summary>
    ValueTask<InferenceLookup> GetInferenceModelAsync(string? id, string capability, TimeSpan? keepAlive, CancellationToken cancellationToken);

    IReadOnlyCollection<LoadedModel> Loaded { get; }

    /// <summary>Stops a resident model (failing what it runs) and frees it; false if it was not loaded.</summary>
    ValueTask<bool> UnloadAsync(string id);
}
