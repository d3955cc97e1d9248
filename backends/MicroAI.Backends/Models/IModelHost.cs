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

    ValueTask<ModelLookup> GetTextModelAsync(string? id, CancellationToken cancellationToken);

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
}

public readonly record struct ModelLookup(LoadedTextModel? Model, ModelLookupError Error, string? Message)
{
    public static ModelLookup Ok(LoadedTextModel model) => new(model, ModelLookupError.None, null);
    public static ModelLookup Fail(ModelLookupError error, string message) => new(null, error, message);
}

/// <summary>A resident text model: its info and the scheduler that owns its context.</summary>
public sealed class LoadedTextModel(ModelEntry entry, ITextModel model, IGenerationScheduler scheduler, DecoderOptions decoder)
{
    public ModelEntry Entry { get; } = entry;
    public TextModelInfo Info => Model.Info;
    public ITextModel Model { get; } = model;
    public IGenerationScheduler Scheduler { get; } = scheduler;
    public DecoderOptions Decoder { get; } = decoder;
}
