using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama.Generate;

/// <summary>
/// Reads /api/generate into the neutral <see cref="TextRequest"/>: the prompt (with <c>system</c>)
/// through the model's chat template, or as it is with <c>raw</c>; a <c>suffix</c> makes it a
/// fill-in-the-middle prompt, which formats itself. Values are checked by <see cref="TextRequestValidator"/>.
/// </summary>
internal static class GenerateMapper
{
    public static ApiError? Map(OllamaGenerateRequest r, RequestLimits limits, ILogger logger, out GenerationPlan plan)
    {
        plan = null!;
        if ((OllamaErrors.Format(r.Format, out var format) ?? OllamaErrors.Template(r.Template) ?? OllamaErrors.Images(r.Images, "images")
            ?? OllamaErrors.Think(r.Think, r.Model!) ?? limits.Text(r.Prompt, "prompt") ?? limits.Text(r.System, "system")) is { } invalid)
            return invalid;
        if (r.Context is { Count: > 0 })
            return ApiError.Unsupported("context", "'context' (the token state of an earlier /api/generate) is not supported: send the conversation with /api/chat instead.");

        var prompt = r.Prompt ?? "";
        var request = new TextRequest { Model = r.Model, Format = format, KeepAlive = r.KeepAlive, MaxTokensParam = "num_predict" };
        if (r.Raw == true || !string.IsNullOrEmpty(r.Suffix))
        {
            request = request with { Prompts = [PromptInput.FromText(r.Raw == true ? prompt : Join(r.System, prompt))], Suffix = r.Suffix };
        }
        else
        {
            List<ChatTurn> turns = string.IsNullOrEmpty(r.System) ? [] : [new ChatTurn("system", r.System)];
            turns.Add(new ChatTurn("user", prompt));
            request = request with { Messages = turns };
        }
        return OllamaOptions.Apply(r.Options, request, logger, out request) ?? TextRequestValidator.Validate(request, limits, out plan);
    }

    /// <summary>Fill-in-the-middle has no place for a system prompt but before the prefix.</summary>
    private static string Join(string? system, string prompt) => string.IsNullOrEmpty(system) ? prompt : system + "\n\n" + prompt;
}
