namespace MicroAI.Engines.Abstractions;

public enum GenerationErrorCode
{
    /// <summary>The prompt does not fit the model's context (a client error).</summary>
    ContextLengthExceeded,
    /// <summary>The prompt or messages cannot be used (a client error).</summary>
    InvalidPrompt,
    /// <summary>The request queue of the model is full (retry later).</summary>
    QueueFull,
    /// <summary>The request waited for a slot longer than its time limit (retry later).</summary>
    QueueTimeout,
    /// <summary>The model could not be loaded.</summary>
    ModelLoadFailed,
    /// <summary>The engine failed while decoding.</summary>
    EngineFailure,
    /// <summary>The server is shutting down.</summary>
    ShuttingDown,
    /// <summary>The model was unloaded while the request ran: deleted, replaced on disk or unloaded by hand (retry).</summary>
    ModelUnloaded,
}

/// <summary>
/// An error returned (not thrown) by an engine or the runtime. <see cref="Part"/> names the part of the request at fault.
/// </summary>
public sealed record GenerationError(GenerationErrorCode Code, string Message, RequestPart? Part = null)
{
    public bool IsClientError => Code is GenerationErrorCode.ContextLengthExceeded or GenerationErrorCode.InvalidPrompt;
}
