using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.OpenAI;
using MicroAI.Server.OpenAI.ChatCompletions;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.LlamaServer;

/// <summary>
/// POST /apply-template (as llama-server has): the prompt a chat request would send to the model,
/// rendered with the model's chat template (or the request's <c>chat_template</c>), as <c>{"prompt": …}</c>.
/// Takes a chat completion body; nothing is generated.
/// </summary>
internal static class ApplyTemplateEndpoint
{
    public static RouteHandlerBuilder MapApplyTemplate(this IEndpointRouteBuilder app) =>
        app.MapPost("/apply-template", HandleAsync)
            .WithName("ApplyTemplate")
            .WithTags("MicroAI")
            .WithSummary("Render a chat request's prompt with the model's chat template, without generating")
            .WithMetadata(new RequestBodyDocumentation(typeof(ChatCompletionRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, IModelHost host, IOptions<MicroAI.Runtime.EngineOptions> options, IOptions<MicroAI.Server.Limits.RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OpenAIJsonContext.Default.ChatCompletionRequest, r =>
            ChatCompletionsMapper.Map(r, limits.Value, options.Value.AllowRequestChatTemplates, out GenerationPlan plan) is { } error ? Task.FromResult<ApiError?>(error) : RespondAsync(http, host, plan));

    private static async Task<ApiError?> RespondAsync(HttpContext http, IModelHost host, GenerationPlan plan)
    {
        var lookup = await host.GetTextModelAsync(plan.Model, plan.KeepAlive, http.RequestAborted);
        if (lookup.Model is not { } model)
            return lookup.ToApiError();
        using (lookup.Lease)
        {
            if (model.Model.TryRenderChat(plan.Choices[0], out var prompt) is { } failed)
                return failed.ToApiError();
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("prompt", prompt);
                w.WriteEndObject();
            });
            return null;
        }
    }
}
