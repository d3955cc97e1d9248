namespace MicroAI.Runtime.Models;

public enum ModelLookupError
{
    None,
    NotFound,
    /// <summary>The model exists but cannot do what the request asks (generate text, classify, embed, …).</summary>
    NotATextModel,
    LoadFailed,
    /// <summary>The model's file is not a valid GGUF or ONNX model (found by MicroAI's own readers, before any engine sees it).</summary>
    InvalidModelFile,
    /// <summary>No room within the memory budget while the resident models are busy.</summary>
    NoCapacity,
}

/// <summary>
/// The answer of <see cref="IModelHost.AcquireAsync"/>, for text and whole-request models alike:
/// the resident model with a lease the caller disposes, or why there is none.
/// </summary>
public readonly record struct ModelLookup<TModel>(TModel? Model, ModelLookupError Error, string? Message)
    where TModel : LoadedModel
{
    /// <summary>Keeps the model loaded until disposed (a no-op for failed lookups).</summary>
    public ModelLease Lease { get; init; }

    /// <summary>A lookup holding a lease the caller already took with <see cref="LoadedModel.TryAcquire"/>.</summary>
    internal static ModelLookup<TModel> Leased(TModel model) => new(model, ModelLookupError.None, null) { Lease = new ModelLease(model) };
    public static ModelLookup<TModel> Fail(ModelLookupError error, string message) => new(null, error, message);

    /// <summary>The same lookup for the kind of model its capability loads (a text model for completion, …).</summary>
    internal ModelLookup<T> As<T>() where T : LoadedModel => Model switch
    {
        null => new(null, Error, Message),
        T model => new(model, ModelLookupError.None, null) { Lease = Lease },
        _ => throw new InvalidOperationException($"The host loaded '{Model.Entry.Id}' as {Model.GetType().Name}, not {typeof(T).Name}."),
    };
}

/// <summary>A request's hold on a resident model; disposing it marks the model used now.</summary>
public readonly struct ModelLease : IDisposable
{
    private readonly LoadedModel? _model;

    internal ModelLease(LoadedModel model) => _model = model;

    public void Dispose() => _model?.Release();
}
