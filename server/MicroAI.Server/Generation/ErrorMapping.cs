using MicroAI.Backends.Abstractions;
using MicroAI.Backends.Models;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Backend errors → OpenAI errors with the right status.</summary>
internal static class ErrorMapping
{
    public static ApiError ToApiError(this GenerationError e) => e.Code switch
    {
        GenerationErrorCode.ContextLengthExceeded => ApiError.BadRequest(e.Message, ParamOf(e.Part), "context_length_exceeded"),
        GenerationErrorCode.InvalidPrompt => ApiError.BadRequest(e.Message, ParamOf(e.Part)),
        GenerationErrorCode.QueueFull => ApiError.Busy(e.Message),
        GenerationErrorCode.QueueTimeout => ApiError.Unavailable(e.Message),
        GenerationErrorCode.ShuttingDown => ApiError.Unavailable(e.Message),
        GenerationErrorCode.ModelUnloaded => ApiError.Unavailable(e.Message),
        GenerationErrorCode.ModelLoadFailed => ApiError.Server(e.Message, "model_load_failed"),
        _ => ApiError.Server(e.Message, "engine_failure"),
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
        _ => null,
    };

    public static ApiError ToApiError(this ModelLookup lookup) => lookup.Error switch
    {
        ModelLookupError.NotFound => ApiError.ModelNotFound(lookup.Message!),
        ModelLookupError.NotATextModel => ApiError.BadRequest(lookup.Message!, "model", "model_not_supported"),
        ModelLookupError.NoCapacity => ApiError.Unavailable(lookup.Message!),
        // The server's own model file is broken: a server-side problem (500), named so an operator sees which file and why.
        ModelLookupError.InvalidModelFile => ApiError.Server(lookup.Message!, "invalid_model_file"),
        _ => ApiError.Server(lookup.Message ?? "The model could not be loaded.", "model_load_failed"),
    };
}
