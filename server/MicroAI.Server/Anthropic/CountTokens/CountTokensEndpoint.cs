using MicroAI.Runtime.Models;
using MicroAI.Server.Anthropic.Messages;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.OpenAI;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Anthropic.CountTokens;

/// <summary>
/// POST /v1/messages/count_tokens: <c>{"input_tokens": N}</c>, the tokens of the prompt a Messages
/// request would send (system, messages and tools through the model's chat template, with the
/// model's default system prompt when the request has none, as <see cref="GenerationRunner"/> adds
/// it), so it equals that request's input_tokens + cache_read_input_tokens. Nothing is generated.
/// </summary>
internal static class CountTokensEndpoint
{
    public static RouteHandlerBuilder MapCountTokens(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/messages/count_tokens", HandleAsync)
            .WithName("CountMessageTokens")
            .WithTags("Anthropic")
            .WithMetadata(new RequestBodyDocumentation(typeof(MessagesRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, IModelHost host, IOptions<MicroAI.Server.Limits.RequestLimits> limits) =>
        JsonBody.HandleAsync(http, AnthropicJsonContext.Default.MessagesRequest, r =>
            MessagesMapper.MapForCounting(r, limits.Value, out var plan) is { } error ? Task.FromResult<ApiError?>(error) : RespondAsync(http, host, plan));

    private static async Task<ApiError?> RespondAsync(HttpContext http, IModelHost host, GenerationPlan plan)
    {
        var lookup = await host.GetTextModelAsync(plan.Model, plan.KeepAlive, http.RequestAborted);
        if (lookup.Model is not { } model)
            return lookup.ToApiError();
        using (lookup.Lease)
        {
            var request = GenerationRunner.WithModelDefaults(plan.Choices[0], plan, model.Entry.Settings, 0);
            if (model.Model.TryPreparePrompt(request, out var prompt) is { } failed)
                return failed.ToApiError();
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("input_tokens", prompt.Tokens.Length);
                w.WriteEndObject();
            });
            return null;
        }
    }
}
