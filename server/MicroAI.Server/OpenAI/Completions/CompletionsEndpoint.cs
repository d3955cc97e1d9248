using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;

namespace MicroAI.Server.OpenAI.Completions;

/// <summary>POST /v1/completions (legacy text completions)</summary>
internal static class CompletionsEndpoint
{
    public static RouteHandlerBuilder MapCompletions(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/completions", HandleAsync)
            .WithName("CreateCompletion")
            .WithTags("OpenAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(CompletionRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status429TooManyRequests);

    private static async Task HandleAsync(HttpContext http, GenerationRunner runner, Microsoft.Extensions.Options.IOptions<MicroAI.Server.Limits.RequestLimits> limits)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.CompletionRequest);
        if (error is null && (error = CompletionsMapper.Map(request!, limits.Value, out var plan, out var echo)) is null)
        {
            await runner.RunAsync(http, plan, new CompletionsWriter(request!.Stream == true, request.StreamOptions?.IncludeUsage == true, echo));
            return;
        }
        await error!.WriteResponseAsync(http.Response);
    }
}
