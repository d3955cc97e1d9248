using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.OpenAI;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Anthropic.Messages;

/// <summary>
/// POST /v1/messages (Anthropic's Messages API) on the same runner, scheduler and engines as the
/// OpenAI routes. The anthropic-version and anthropic-beta headers are accepted and not needed: there
/// is one version of this API here. Errors come out in Anthropic's shape by path (<see cref="ErrorShapes"/>).
/// </summary>
internal static class MessagesEndpoint
{
    public static RouteHandlerBuilder MapMessages(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/messages", HandleAsync)
            .WithName("CreateMessage")
            .WithTags("Anthropic")
            .WithMetadata(new RequestBodyDocumentation(typeof(MessagesRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status429TooManyRequests);

    private static async Task HandleAsync(HttpContext http, GenerationRunner runner, TimeProvider time, IOptions<MicroAI.Server.Limits.RequestLimits> limits)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, AnthropicJsonContext.Default.MessagesRequest);
        if (error is null && (error = MessagesMapper.Map(request!, limits.Value, out var plan)) is null)
        {
            await runner.RunAsync(http, plan, new MessagesWriter(request!.Stream == true, request.StopSequences ?? [], time));
            return;
        }
        await error!.WriteResponseAsync(http.Response);
    }
}
