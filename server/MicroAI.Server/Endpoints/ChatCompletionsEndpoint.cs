using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Endpoints;

/// <summary>POST /v1/chat/completions</summary>
internal static class ChatCompletionsEndpoint
{
    public static RouteHandlerBuilder MapChatCompletions(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/chat/completions", HandleAsync)
            .WithName("CreateChatCompletion")
            .WithTags("OpenAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(ChatCompletionRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status429TooManyRequests);

    private static async Task HandleAsync(HttpContext http, CompletionResponder responder, Microsoft.Extensions.Options.IOptions<MicroAI.Backends.EngineOptions> options, Microsoft.Extensions.Options.IOptions<MicroAI.Server.Limits.RequestLimits> limits)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.ChatCompletionRequest);
        if (error is null && (error = ChatRequestMapper.Map(request!, limits.Value, out var plan, options.Value.AllowRequestChatTemplates)) is null)
        {
            await responder.RespondAsync(http, plan);
            return;
        }
        await error!.WriteResponseAsync(http.Response);
    }
}
