namespace MicroAI.Backends.Models;

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

public readonly record struct ModelLookup(LoadedTextModel? Model, ModelLookupError Error, string? Message)
{
    /// <summary>Keeps the model loaded until disposed (a no-op for failed lookups).</summary>
    public ModelLease Lease { get; init; }

    /// <summary>A lookup holding a lease the caller already took with <see cref="LoadedModel.TryAcquire"/>.</summary>
    public static ModelLookup Leased(LoadedTextModel model) => new(model, ModelLookupError.None, null) { Lease = new ModelLease(model) };
    public static ModelLookup Fail(ModelLookupError error, string message) => new(null, error, message);
}

public readonly record struct InferenceLookup(LoadedInferenceModel? Model, ModelLookupError Error, string? Message)
{
    public ModelLease Lease { get; init; }

    public static InferenceLookup Leased(LoadedInferenceModel model) => new(model, ModelLookupError.None, null) { Lease = new ModelLease(model) };
    public static InferenceLookup Fail(ModelLookupError error, string message) => new(null, error, message);

    /// <summary>The same failure as a text lookup, for code that maps both to HTTP the same way.</summary>
    public ModelLookup AsTextLookup() => ModelLookup.Fail(Error, Message ?? string.Empty);
}

/// <summary>A request's hold on a resident model; disposing it marks the model used now.</summary>
public readonly struct ModelLease : IDisposable
{
    private readonly LoadedModel? _model;

    internal ModelLease(LoadedModel model) => _model = model;

    public void Dispose() => _model?.Release();
}
