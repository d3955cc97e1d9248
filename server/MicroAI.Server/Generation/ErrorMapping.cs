using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Engine and runtime errors → OpenAI errors with the right status.</summary>
internal static class ErrorMapping
{
    public static ApiError ToApiError(this GenerationError e) => ToApiError(e.Code, e.Message, ParamOf(e.Part));

    /// <summary>Through the same mapping, naming the input that failed ("input[3]").</summary>
    public static ApiError ToApiError(this InferenceError e) =>
        ToApiError(e.Code, e.Message, e is { Part: RequestPart.Input, Index: { } i } ? $"input[{i}]" : ParamOf(e.Part));

    private static ApiError ToApiError(GenerationErrorCode code, string message, string? param) => code switch
    {
        GenerationErrorCode.ContextLengthExceeded => ApiError.BadRequest(message, param, "context_length_exceeded"),
        GenerationErrorCode.InvalidPrompt => ApiError.BadRequest(message, param),
        GenerationErrorCode.QueueFull => ApiError.Busy(message),
        GenerationErrorCode.QueueTimeout => ApiError.Unavailable(message),
        GenerationErrorCode.ShuttingDown => ApiError.Unavailable(message),
        GenerationErrorCode.ModelUnloaded => ApiError.Unavailable(message),
        GenerationErrorCode.ModelLoadFailed => ApiError.Server(message, "model_load_failed"),
        _ => ApiError.Server(message, "engine_failure"),
    };

    /// <summary>The OpenAI request field that carries a part of the engine-neutral request.</summary>
    private static string? ParamOf(RequestPart? part) => part switch
    {
        RequestPart.Prompt => "prompt",
        RequestPart.Messages => "messages",
        RequestPart.ChatTemplate => "chat_template",
        RequestPart.Suffix => "suffix",
        RequestPart.Grammar => "grammar",
        RequestPart.LogitBias => "logit_bias",
        RequestPart.Model => "model",
        RequestPart.Input => "input",
        _ => null,
    };

    /// <summary>The one mapping of a failed model lookup, for every endpoint and every kind of model.</summary>
    public static ApiError ToApiError<TModel>(this ModelLookup<TModel> lookup) where TModel : LoadedModel => lookup.Error switch
    {
        ModelLookupError.NotFound => ApiError.ModelNotFound(lookup.Message!),
        ModelLookupError.NotATextModel => ApiError.BadRequest(lookup.Message!, "model", "model_not_supported"),
        ModelLookupError.NoCapacity => ApiError.Unavailable(lookup.Message!),
        // The server's own model file is broken: a server-side problem (500), named so an operator sees which file and why.
        ModelLookupError.InvalidModelFile => ApiError.Server(lookup.Message!, "invalid_model_file"),
        _ => ApiError.Server(lookup.Message ?? "The model could not be loaded.", "model_load_failed"),
    };
}
