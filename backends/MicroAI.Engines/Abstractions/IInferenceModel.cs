namespace MicroAI.Engines.Abstractions;

/// <summary>
/// A loaded model that answers whole requests at once (classification, embeddings, rerank), as
/// opposed to an <see cref="ITextModel"/> that generates token by token under the scheduler.
/// Implementations are thread-safe: concurrent requests call them directly.
/// </summary>
public interface IInferenceModel : IDisposable
{
    /// <summary>One line for logs and /api/ps: the task, engine and device, e.g. "text-classification on CPUExecutionProvider".</summary>
    string Description { get; }

    /// <summary>Most inputs one request may carry.</summary>
    int MaxBatchSize { get; }
}

/// <summary>An error an inference model returns (not throws) for a request it cannot serve.</summary>
/// <param name="Part">The part of the request at fault, in no protocol's words (see <see cref="RequestPart"/>).</param>
/// <param name="Index">The input at fault, when one is.</param>
public sealed record InferenceError(GenerationErrorCode Code, string Message, RequestPart? Part = null, int? Index = null)
{
    public static InferenceError BadInput(string message, int? index = null) =>
        new(GenerationErrorCode.InvalidPrompt, message, RequestPart.Input, index);

    public static InferenceError TooLong(string message, int? index = null) =>
        new(GenerationErrorCode.ContextLengthExceeded, message, RequestPart.Input, index);

    public bool IsClientError => Code is GenerationErrorCode.ContextLengthExceeded or GenerationErrorCode.InvalidPrompt;
}

/// <summary>A result or an error, never both.</summary>
public readonly record struct InferenceResult<T>(T? Value, InferenceError? Error) where T : class
{
    public static implicit operator InferenceResult<T>(T value) => new(value, null);
    public static implicit operator InferenceResult<T>(InferenceError error) => new(null, error);
}
