using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;

namespace MicroAI.Server.OpenAI.ChatCompletions;

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

    private static async Task HandleAsync(HttpContext http, GenerationRunner runner, Microsoft.Extensions.Options.IOptions<MicroAI.Runtime.EngineOptions> options, Microsoft.Extensions.Options.IOptions<MicroAI.Server.Limits.RequestLimits> limits)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.ChatCompletionRequest);
        if (error is null && (error = ChatCompletionsMapper.Map(request!, limits.Value, options.Value.AllowRequestChatTemplates, out GenerationPlan plan)) is null)
        {
            await runner.RunAsync(http, plan, new ChatCompletionsWriter(request!.Stream == true, request.StreamOptions?.IncludeUsage == true));
            return;
        }
        await error!.WriteResponseAsync(http.Response);
    }
}
