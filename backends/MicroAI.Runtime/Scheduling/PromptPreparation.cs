using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// The step before the scheduler, on the request's thread: renders and tokenizes the prompt, checks
/// it against a slot's context, and bounds the answer by the room left; then queues it.
/// </summary>
public static class PromptPreparation
{
    public static SubmitResult Submit(ITextModel model, IGenerationScheduler scheduler, GenerateRequest request, CancellationToken cancellationToken) =>
        TryPrepare(model, scheduler.SlotContextSize, request, out var prepared) is { } error
            ? SubmitResult.Fail(error)
            : scheduler.Submit(prepared!, cancellationToken);

    public static GenerationError? TryPrepare(ITextModel model, int slotContext, GenerateRequest request, out ScheduledRequest? prepared)
    {
        prepared = null;
        var error = model.TryPreparePrompt(request, out var prompt);
        if (error is not null)
            return error;

        var part = request.Messages is null ? RequestPart.Prompt : RequestPart.Messages;
        if (prompt.Tokens.Length == 0)
            return new GenerationError(GenerationErrorCode.InvalidPrompt, "The prompt is empty after tokenization.", RequestPart.Prompt);
        if (prompt.Tokens.Length >= slotContext)
        {
            return new GenerationError(GenerationErrorCode.ContextLengthExceeded,
                $"This model's maximum context length is {slotContext} tokens. However, your prompt has {prompt.Tokens.Length} tokens. " +
                "Please reduce the length of the prompt or messages.", part);
        }

        var room = slotContext - prompt.Tokens.Length;
        prepared = new ScheduledRequest(request, prompt, request.MaxTokens is { } m ? Math.Min(m, room) : room);
        return null;
    }
}

/// <summary>A request ready for a scheduler: its prompt tokenized and known to fit a slot.</summary>
/// <param name="MaxTokens">Tokens it may generate: the request's limit, at most the room its slot has left.</param>
public sealed record ScheduledRequest(GenerateRequest Request, PreparedPrompt Prompt, int MaxTokens);
